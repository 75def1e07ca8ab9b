// Story helper: show a story as the app would be with a given theme, contrast or direction on <html>.
// Returned as a Storybook `beforeEach`, whose cleanup puts <html> back for the next story.
import { changeLanguage } from "../../i18n";
import { applyPreferences, defaultPreferences, type DisplayPreferences } from "../../lib/preferences";

export function onDocument(
  preferences: Partial<DisplayPreferences>,
  language?: { lang: string; dir: "ltr" | "rtl" },
): () => () => void {
  return () => {
    const root = document.documentElement;
    const before = { lang: root.lang, dir: root.dir };
    applyPreferences({ ...defaultPreferences, ...preferences }, root, false);
    if (language) {
      root.lang = language.lang;
      root.dir = language.dir;
    }
    return () => {
      applyPreferences(defaultPreferences, root, false);
      root.lang = before.lang;
      root.dir = before.dir;
    };
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
