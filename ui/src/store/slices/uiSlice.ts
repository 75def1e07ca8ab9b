// Interface state: display preferences (persisted), the drawer, and the one polite live-region announcement.
import { createSlice, type PayloadAction } from "@reduxjs/toolkit";
import { DEFAULT_LANGUAGE, type LanguageCode } from "../../i18n/languages";

export type Theme = "system" | "light" | "dark";

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

const uiSlice = createSlice({
  name: "ui",
  initialState: initialUiState,
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
