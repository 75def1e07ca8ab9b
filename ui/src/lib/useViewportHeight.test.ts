import { renderHook } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";
import { APP_HEIGHT_VAR, useViewportHeight } from "./useViewportHeight";

afterEach(() => {
  vi.unstubAllGlobals();
});

test("tracks the visual viewport height in a CSS variable", () => {
  const viewport = new EventTarget() as EventTarget & { height: number };
  viewport.height = 700;
  vi.stubGlobal("visualViewport", viewport);
  const root = document.createElement("div");
  const { unmount } = renderHook(() => useViewportHeight(root));
  expect(root.style.getPropertyValue(APP_HEIGHT_VAR)).toBe("700px");
  viewport.height = 380.4; // the on-screen keyboard opened
  viewport.dispatchEvent(new Event("resize"));
  expect(root.style.getPropertyValue(APP_HEIGHT_VAR)).toBe("380px");
  unmount();
  expect(root.style.getPropertyValue(APP_HEIGHT_VAR)).toBe("");
});

test("does nothing without visualViewport", () => {
  vi.stubGlobal("visualViewport", undefined);
  const root = document.createElement("div");
  renderHook(() => useViewportHeight(root));
  expect(root.style.getPropertyValue(APP_HEIGHT_VAR)).toBe("");
});
