// i18next set up once for the app and the tests. English is bundled (the fallback, and the source of every key);
// the other locale files load lazily, one chunk per language, when a user picks one.
import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import { DEFAULT_LANGUAGE, LANGUAGES, directionOf, matchLanguage, type LanguageCode } from "./languages";

export const STORAGE_KEY = "csagent.language";

type Resource = Record<string, unknown>;
const loaders = import.meta.glob<Resource>(["./locales/*.json", "!./locales/en.json"], { import: "default" });

export async function loadLanguage(instance: I18n, code: LanguageCode): Promise<void> {
  if (instance.hasResourceBundle(code, "translation")) return;
  const load = loaders[`./locales/${code}.json`];
  if (!load) throw new Error(`No locale file for ${code}`);
  instance.addResourceBundle(code, "translation", await load(), true, true);
}

/** Reflect the language on <html>: `lang` for screen readers and hyphenation, `dir` for mirrored layout. */
export function applyDocumentLanguage(code: string, root: HTMLElement = document.documentElement): void {
  root.lang = code;
  root.dir = directionOf(code);
}

/** The language to start in: the stored choice, else the browser's first supported preference, else English. */
export function initialLanguage(
  stored: string | null = safeStorageGet(),
  preferred: readonly string[] = navigator.languages,
): LanguageCode {
  for (const tag of [stored, ...preferred]) {
    const match = tag ? matchLanguage(tag) : undefined;
    if (match) return match;
  }
  return DEFAULT_LANGUAGE;
}

function safeStorageGet(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export async function changeLanguage(code: LanguageCode, instance: I18n = i18next): Promise<void> {
  await loadLanguage(instance, code);
  await instance.changeLanguage(code);
  applyDocumentLanguage(code);
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // Private mode or storage full: the choice lasts for this page only.
  }
}

export async function setupI18n(
  code: LanguageCode = DEFAULT_LANGUAGE,
  instance: I18n = i18next,
): Promise<I18n> {
  if (!instance.isInitialized) {
    await instance.use(initReactI18next).init({
      resources: { en: { translation: en } },
      lng: DEFAULT_LANGUAGE,
      fallbackLng: DEFAULT_LANGUAGE,
      supportedLngs: LANGUAGES.map((language) => language.code),
      interpolation: { escapeValue: false }, // React escapes.
      returnNull: false,
    });
  }
  if (code !== DEFAULT_LANGUAGE) await changeLanguage(code, instance);
  else applyDocumentLanguage(code);
  return instance;
}

export default i18next;
