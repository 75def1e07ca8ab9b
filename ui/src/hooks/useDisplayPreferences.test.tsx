import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { Provider } from "react-redux";
import { afterEach, expect, test, vi } from "vitest";
import { makeStore } from "../store";
import { setHighContrast, setReducedMotion, setTheme } from "../store/slices/uiSlice";
import { PREFERENCES_KEY } from "../lib/preferences";
import { useDisplayPreferences } from "./useDisplayPreferences";

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
  const root = document.documentElement;
  delete root.dataset.theme;
  delete root.dataset.contrast;
  delete root.dataset.motion;
});

test("applies and stores the preferences; system follows the OS live", () => {
  const listeners: ((event: { matches: boolean }) => void)[] = [];
  vi.stubGlobal(
    "matchMedia",
    vi.fn(() => ({
      matches: false,
      addEventListener: (_: string, fn: (event: { matches: boolean }) => void) => listeners.push(fn),
      removeEventListener: vi.fn(),
    })),
  );
  const store = makeStore();
  const wrapper = ({ children }: { children: ReactNode }) => <Provider store={store}>{children}</Provider>;
  renderHook(() => useDisplayPreferences(), { wrapper });
  const root = document.documentElement;
  expect(root.dataset.theme).toBe("light");
  act(() => listeners.forEach((listener) => listener({ matches: true })));
  expect(root.dataset.theme).toBe("dark");

  act(() => {
    store.dispatch(setTheme("light"));
    store.dispatch(setHighContrast(true));
    store.dispatch(setReducedMotion("reduce"));
  });
  expect(root.dataset).toMatchObject({ theme: "light", contrast: "high", motion: "reduce" });
  expect(JSON.parse(localStorage.getItem(PREFERENCES_KEY) ?? "{}")).toEqual({
    theme: "light",
    highContrast: true,
    reducedMotion: "reduce",
  });
});

test("a new store starts from the stored preferences", () => {
  localStorage.setItem(
    PREFERENCES_KEY,
    JSON.stringify({ theme: "dark", highContrast: true, reducedMotion: "reduce" }),
  );
  expect(makeStore().getState().ui).toMatchObject({
    theme: "dark",
    highContrast: true,
    reducedMotion: "reduce",
    language: "en",
  });
});
