// Display preferences (theme, contrast, motion): stored in localStorage and shown as attributes on <html>, where
// the design tokens in index.css pick them up. main.tsx applies them before the first render so the page never
// flashes the wrong theme; the app re-applies them whenever they change.
export type Theme = "system" | "light" | "dark";

export const PREFERENCES_KEY = "csagent.display";

export interface DisplayPreferences {
  theme: Theme;
  highContrast: boolean;
  reducedMotion: "system" | "reduce";
}

export const defaultPreferences: DisplayPreferences = {
  theme: "system",
  highContrast: false,
  reducedMotion: "system",
};

const DARK_QUERY = "(prefers-color-scheme: dark)";

/** The stored preferences; anything missing or malformed falls back to the default. */
export function loadPreferences(
  storage: Pick<Storage, "getItem"> | undefined = safeStorage(),
): DisplayPreferences {
  let raw: unknown = null;
  try {
    raw = JSON.parse(storage?.getItem(PREFERENCES_KEY) ?? "null");
  } catch {
    raw = null;
  }
  if (typeof raw !== "object" || raw === null) return { ...defaultPreferences };
  const stored = raw as Record<string, unknown>;
  return {
    theme: stored.theme === "light" || stored.theme === "dark" ? stored.theme : "system",
    highContrast: stored.highContrast === true,
    reducedMotion: stored.reducedMotion === "reduce" ? "reduce" : "system",
  };
}

export function savePreferences(
  preferences: DisplayPreferences,
  storage: Pick<Storage, "setItem"> | undefined = safeStorage(),
): void {
  try {
    storage?.setItem(PREFERENCES_KEY, JSON.stringify(preferences));
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
}

export function systemPrefersDark(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia(DARK_QUERY).matches;
}

export function resolveTheme(theme: Theme, prefersDark: boolean = systemPrefersDark()): "light" | "dark" {
  if (theme === "system") return prefersDark ? "dark" : "light";
  return theme;
}

export function applyPreferences(
  preferences: DisplayPreferences,
  root: HTMLElement = document.documentElement,
  prefersDark: boolean = systemPrefersDark(),
): void {
  root.dataset.theme = resolveTheme(preferences.theme, prefersDark);
  if (preferences.highContrast) root.dataset.contrast = "high";
  else delete root.dataset.contrast;
  if (preferences.reducedMotion === "reduce") root.dataset.motion = "reduce";
  else delete root.dataset.motion;
}

/** Calls `onChange` when the system switches between light and dark; returns the unsubscribe function. */
export function watchSystemTheme(onChange: (prefersDark: boolean) => void): () => void {
  if (typeof window.matchMedia !== "function") return () => undefined;
  const query = window.matchMedia(DARK_QUERY);
  const listener = (event: MediaQueryListEvent) => onChange(event.matches);
  query.addEventListener("change", listener);
  return () => query.removeEventListener("change", listener);
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
