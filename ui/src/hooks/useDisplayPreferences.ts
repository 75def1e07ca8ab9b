import { useEffect } from "react";
import { useAppSelector } from "../store";
import {
  applyPreferences,
  savePreferences,
  watchSystemTheme,
  type DisplayPreferences,
} from "../lib/preferences";

/** Keeps <html> and localStorage in step with the preferences in the store; "system" follows the OS live. */
export function useDisplayPreferences(): void {
  const theme = useAppSelector((state) => state.ui.theme);
  const highContrast = useAppSelector((state) => state.ui.highContrast);
  const reducedMotion = useAppSelector((state) => state.ui.reducedMotion);

  useEffect(() => {
    const preferences: DisplayPreferences = { theme, highContrast, reducedMotion };
    applyPreferences(preferences);
    savePreferences(preferences);
    if (theme !== "system") return;
    return watchSystemTheme((prefersDark) =>
      applyPreferences(preferences, document.documentElement, prefersDark),
    );
  }, [theme, highContrast, reducedMotion]);
}
