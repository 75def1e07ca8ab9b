// Test helper for the chat components: a fresh store (for announcements) around the tree, kept on rerender.
import { render } from "@testing-library/react";
import type { ReactElement, ReactNode } from "react";
import { Provider } from "react-redux";
import { vi } from "vitest";
import { makeStore } from "../../store";

export function renderWithStore(ui: ReactElement) {
  const store = makeStore();
  const wrapper = ({ children }: { children: ReactNode }) => <Provider store={store}>{children}</Provider>;
  return { store, ...render(ui, { wrapper }) };
}

export const ROW_HEIGHT = 80;
export const VIEWPORT_HEIGHT = 600;

/**
 * jsdom has no layout. Give rows and the viewport sizes, and let scrollTo move scrollTop, so the virtualised
 * transcript computes a real window of rows. Call in beforeEach (vitest restores the spies after each test).
 */
export function mockLayout(): void {
  vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockReturnValue(ROW_HEIGHT);
  vi.spyOn(Element.prototype, "clientHeight", "get").mockReturnValue(VIEWPORT_HEIGHT);
  vi.spyOn(Element.prototype, "clientWidth", "get").mockReturnValue(400);
  vi.spyOn(Element.prototype, "scrollHeight", "get").mockImplementation(function (this: Element) {
    const child = this.firstElementChild;
    return child instanceof HTMLElement ? Number.parseFloat(child.style.height) || 0 : 0;
  });
  Object.defineProperty(Element.prototype, "scrollTo", {
    configurable: true,
    value(this: Element, options: ScrollToOptions) {
      this.scrollTop = options.top ?? this.scrollTop;
      this.dispatchEvent(new Event("scroll"));
    },
  });
}

/** The first element of a query result, for the many repeated controls in a transcript. */
export function first<T>(list: readonly T[]): T {
  const [item] = list;
  if (item === undefined) throw new Error("empty list");
  return item;
}
