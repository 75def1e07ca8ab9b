import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, expect, test, vi } from "vitest";
import { AppLayout } from "./AppLayout";
import { renderWithStore } from "./testUtils";

vi.mock("../../hooks/useChat", () => ({
  useChat: () => ({ items: [], conversation: null, escalate: vi.fn(), close: vi.fn() }),
}));
vi.mock("../../hooks/useAuth", () => ({ useAuth: () => ({ user: null, signOut: vi.fn() }) }));
vi.mock("../../hooks/useWebSocket", () => ({
  useConnection: () => ({ state: "open", nextRetryAt: null, reconnectNow: vi.fn() }),
}));
vi.mock("../../hooks/useConversations", async () => {
  const { makeConversation } = await import("../../testing/fixtures");
  return {
    useConversations: () => ({
      conversations: [makeConversation({ id: "one", title: "Reset my password" })],
      isLoading: false,
      error: null,
      hasMore: false,
      loadMore: vi.fn(),
    }),
  };
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function renderLayout() {
  const onOpen = vi.fn();
  const result = renderWithStore(
    <AppLayout conversationId="one" onOpen={onOpen}>
      <textarea id="composer" aria-label="Message" />
    </AppLayout>,
  );
  return { onOpen, ...result };
}

test("has the skip link first, the landmarks, and the app height from the visible viewport", async () => {
  const { container } = renderLayout();
  const skip = screen.getByRole("link", { name: "Skip to the message box" });
  expect(container.querySelector("a")).toBe(skip);
  expect(screen.getByRole("banner")).toBeInTheDocument();
  expect(screen.getByRole("navigation", { name: "Conversations" })).toBeInTheDocument();
  expect(screen.getByRole("main")).toContainElement(screen.getByRole("textbox", { name: "Message" }));
  expect(container.firstElementChild?.className).toContain("h-[var(--app-height,100dvh)]");
  // The column sidebar hides below md; the drawer button hides from md.
  const aside = screen.getByRole("navigation").closest("aside");
  expect(aside).toHaveClass("hidden", "md:flex");
  expect(screen.getByRole("button", { name: "Conversations" })).toHaveClass("md:hidden");
  await userEvent.click(skip);
  expect(screen.getByRole("textbox", { name: "Message" })).toHaveFocus();
});

test("the Conversations button opens the drawer; picking one closes it", async () => {
  const { onOpen, store } = renderLayout();
  await userEvent.click(screen.getByRole("button", { name: "Conversations" }));
  const drawer = screen.getByRole("dialog", { name: "Conversations" });
  await userEvent.click(within(drawer).getByRole("link", { name: /Reset my password/ }));
  expect(onOpen).toHaveBeenCalledWith("one");
  expect(store.getState().ui.sidebarOpen).toBe(false);
  expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
});

test("the drawer closes with its close button and when the screen gets wide", async () => {
  const listeners: (() => void)[] = [];
  const media = {
    matches: false,
    addEventListener: (_: string, fn: () => void) => listeners.push(fn),
    removeEventListener: vi.fn(),
  };
  vi.stubGlobal(
    "matchMedia",
    vi.fn(() => media),
  );
  renderLayout();
  const opener = screen.getByRole("button", { name: "Conversations" });
  await userEvent.click(opener);
  await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Close" }));
  expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  expect(opener).toHaveFocus();

  await userEvent.click(opener);
  expect(screen.getByRole("dialog")).toBeInTheDocument();
  media.matches = true;
  act(() => listeners.forEach((listener) => listener()));
  expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
});
