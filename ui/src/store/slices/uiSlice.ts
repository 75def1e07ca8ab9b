// Interface state: display preferences (persisted), the drawer, and the one polite live-region announcement.
import { createSlice, type PayloadAction } from "@reduxjs/toolkit";
import i18next from "i18next";
import { DEFAULT_LANGUAGE, matchLanguage, type LanguageCode } from "../../i18n/languages";
import { loadPreferences, type Theme } from "../../lib/preferences";

// The preferences module owns the type (it stores and applies it); the slice re-exports it for its callers.
export type { Theme } from "../../lib/preferences";

export interface Announcement {
  /** Rises with every announcement, so the same text said twice is still re-rendered and read. */
  id: number;
  text: string;
}

export interface UiState {
  theme: Theme;
  highContrast: boolean;
  /** "system" follows prefers-reduced-motion. */
  reducedMotion: "system" | "reduce";
  language: LanguageCode;
  sidebarOpen: boolean;
  announcement: Announcement | null;
}

export const initialUiState: UiState = {
  theme: "system",
  highContrast: false,
  reducedMotion: "system",
  language: DEFAULT_LANGUAGE,
  sidebarOpen: false,
  announcement: null,
};

/** A new store starts from the stored display preferences and the language i18next already runs in. */
export function loadUiState(): UiState {
  const language = typeof i18next.language === "string" ? matchLanguage(i18next.language) : undefined;
  return { ...initialUiState, ...loadPreferences(), language: language ?? DEFAULT_LANGUAGE };
}

const uiSlice = createSlice({
  name: "ui",
  initialState: loadUiState,
  reducers: {
    setTheme(state, action: PayloadAction<Theme>) {
      state.theme = action.payload;
    },
    setHighContrast(state, action: PayloadAction<boolean>) {
      state.highContrast = action.payload;
    },
    setReducedMotion(state, action: PayloadAction<UiState["reducedMotion"]>) {
      state.reducedMotion = action.payload;
    },
    setLanguage(state, action: PayloadAction<LanguageCode>) {
      state.language = action.payload;
    },
    setSidebarOpen(state, action: PayloadAction<boolean>) {
      state.sidebarOpen = action.payload;
    },
    /** Text for the polite live region: already translated, said once. */
    announce(state, action: PayloadAction<string>) {
      state.announcement = { id: (state.announcement?.id ?? 0) + 1, text: action.payload };
    },
  },
});

export const { setTheme, setHighContrast, setReducedMotion, setLanguage, setSidebarOpen, announce } =
  uiSlice.actions;
export default uiSlice.reducer;
