import { afterEach, describe, expect, test, vi } from "vitest";
import {
  PREFERENCES_KEY,
  applyPreferences,
  loadPreferences,
  resolveTheme,
  savePreferences,
  systemPrefersDark,
  watchSystemTheme,
} from "./preferences";

function fakeMatchMedia(matches: boolean) {
  const listeners = new Set<(event: MediaQueryListEvent) => void>();
  const query = {
    matches,
    addEventListener: (_: string, listener: (event: MediaQueryListEvent) => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: (event: MediaQueryListEvent) => void) =>
      listeners.delete(listener),
  };
  vi.stubGlobal(
    "matchMedia",
    vi.fn(() => query),
  );
  return {
    fire: (next: boolean) => {
      for (const listener of listeners) listener({ matches: next } as MediaQueryListEvent);
    },
    listeners,
  };
}

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
});

describe("loadPreferences", () => {
  test("defaults when nothing or garbage is stored", () => {
    expect(loadPreferences()).toEqual({ theme: "system", highContrast: false, reducedMotion: "system" });
    localStorage.setItem(PREFERENCES_KEY, "{not json");
    expect(loadPreferences().theme).toBe("system");
    localStorage.setItem(PREFERENCES_KEY, JSON.stringify({ theme: "purple", highContrast: "yes" }));
    expect(loadPreferences()).toEqual({ theme: "system", highContrast: false, reducedMotion: "system" });
    expect(loadPreferences(undefined)).toEqual({
      theme: "system",
      highContrast: false,
      reducedMotion: "system",
    });
  });

  test("round-trips through savePreferences", () => {
    savePreferences({ theme: "dark", highContrast: true, reducedMotion: "reduce" });
    expect(loadPreferences()).toEqual({ theme: "dark", highContrast: true, reducedMotion: "reduce" });
  });

  test("a full storage does not throw", () => {
    const storage = {
      setItem: () => {
        throw new Error("QuotaExceeded");
      },
    };
    expect(() =>
      savePreferences({ theme: "light", highContrast: false, reducedMotion: "system" }, storage),
    ).not.toThrow();
  });
});

describe("applyPreferences", () => {
  test("sets and clears the attributes on <html>", () => {
    const root = document.createElement("html");
    applyPreferences({ theme: "dark", highContrast: true, reducedMotion: "reduce" }, root, false);
    expect(root.dataset).toMatchObject({ theme: "dark", contrast: "high", motion: "reduce" });
    applyPreferences({ theme: "system", highContrast: false, reducedMotion: "system" }, root, false);
    expect(root.dataset.theme).toBe("light");
    expect(root.dataset.contrast).toBeUndefined();
    expect(root.dataset.motion).toBeUndefined();
  });

  test("system follows prefers-color-scheme", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("light", true)).toBe("light");
    fakeMatchMedia(true);
    expect(systemPrefersDark()).toBe(true);
    expect(resolveTheme("system")).toBe("dark");
  });

  test("watchSystemTheme reports changes until unsubscribed", () => {
    const media = fakeMatchMedia(false);
    const onChange = vi.fn();
    const stop = watchSystemTheme(onChange);
    media.fire(true);
    expect(onChange).toHaveBeenCalledWith(true);
    stop();
    expect(media.listeners.size).toBe(0);
  });

  test("without matchMedia the system theme is light", () => {
    vi.stubGlobal("matchMedia", undefined);
    expect(systemPrefersDark()).toBe(false);
    expect(watchSystemTheme(vi.fn())).toBeTypeOf("function");
  });
});
