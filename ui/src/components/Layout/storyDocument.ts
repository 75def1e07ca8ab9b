// Story helpers: show a story as the app would be with a given theme, contrast or language on <html>.
// Returned as a Storybook `beforeEach`, whose cleanup puts <html> back for the next story.
import { changeLanguage } from "../../i18n";
import { applyPreferences, defaultPreferences, type DisplayPreferences } from "../../lib/preferences";

export function onDocument(preferences: Partial<DisplayPreferences>): () => () => void {
  return () => {
    const root = document.documentElement;
    applyPreferences({ ...defaultPreferences, ...preferences }, root, false);
    return () => applyPreferences(defaultPreferences, root, false);
  };
}

export const dark = onDocument({ theme: "dark" });
export const highContrast = onDocument({ highContrast: true });
export const darkHighContrast = onDocument({ theme: "dark", highContrast: true });
/** The app in Arabic: translated strings, lang="ar" and dir="rtl" on <html>, then back to English. */
export async function arabic(): Promise<() => Promise<void>> {
  await changeLanguage("ar");
  return () => changeLanguage("en");
}
