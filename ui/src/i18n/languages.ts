// The languages the UI is translated into. `code` is a BCP 47 tag: it names the locale file, goes to the server
// as the conversation language, and drives Intl (dates, numbers, plural rules). `name` is the language's own name
// (a picker lists each language as its speakers write it).
export interface Language {
  code: string;
  name: string;
  dir: "ltr" | "rtl";
}

export const LANGUAGES = [
  { code: "af", name: "Afrikaans", dir: "ltr" },
  { code: "ar", name: "العربية", dir: "rtl" },
  { code: "bg", name: "Български", dir: "ltr" },
  { code: "bn", name: "বাংলা", dir: "ltr" },
  { code: "ca", name: "Català", dir: "ltr" },
  { code: "cs", name: "Čeština", dir: "ltr" },
  { code: "da", name: "Dansk", dir: "ltr" },
  { code: "de", name: "Deutsch", dir: "ltr" },
  { code: "el", name: "Ελληνικά", dir: "ltr" },
  { code: "en", name: "English", dir: "ltr" },
  { code: "es", name: "Español", dir: "ltr" },
  { code: "et", name: "Eesti", dir: "ltr" },
  { code: "eu", name: "Euskara", dir: "ltr" },
  { code: "fa", name: "فارسی", dir: "rtl" },
  { code: "fi", name: "Suomi", dir: "ltr" },
  { code: "fil", name: "Filipino", dir: "ltr" },
  { code: "fr", name: "Français", dir: "ltr" },
  { code: "gl", name: "Galego", dir: "ltr" },
  { code: "gu", name: "ગુજરાતી", dir: "ltr" },
  { code: "he", name: "עברית", dir: "rtl" },
  { code: "hi", name: "हिन्दी", dir: "ltr" },
  { code: "hr", name: "Hrvatski", dir: "ltr" },
  { code: "hu", name: "Magyar", dir: "ltr" },
  { code: "id", name: "Bahasa Indonesia", dir: "ltr" },
  { code: "is", name: "Íslenska", dir: "ltr" },
  { code: "it", name: "Italiano", dir: "ltr" },
  { code: "ja", name: "日本語", dir: "ltr" },
  { code: "kn", name: "ಕನ್ನಡ", dir: "ltr" },
  { code: "ko", name: "한국어", dir: "ltr" },
  { code: "lt", name: "Lietuvių", dir: "ltr" },
  { code: "lv", name: "Latviešu", dir: "ltr" },
  { code: "ml", name: "മലയാളം", dir: "ltr" },
  { code: "mr", name: "मराठी", dir: "ltr" },
  { code: "ms", name: "Bahasa Melayu", dir: "ltr" },
  { code: "nb", name: "Norsk bokmål", dir: "ltr" },
  { code: "nl", name: "Nederlands", dir: "ltr" },
  { code: "pl", name: "Polski", dir: "ltr" },
  { code: "pt-BR", name: "Português (Brasil)", dir: "ltr" },
  { code: "pt-PT", name: "Português (Portugal)", dir: "ltr" },
  { code: "ro", name: "Română", dir: "ltr" },
  { code: "ru", name: "Русский", dir: "ltr" },
  { code: "sk", name: "Slovenčina", dir: "ltr" },
  { code: "sl", name: "Slovenščina", dir: "ltr" },
  { code: "sr", name: "Српски", dir: "ltr" },
  { code: "sv", name: "Svenska", dir: "ltr" },
  { code: "sw", name: "Kiswahili", dir: "ltr" },
  { code: "ta", name: "தமிழ்", dir: "ltr" },
  { code: "te", name: "తెలుగు", dir: "ltr" },
  { code: "th", name: "ไทย", dir: "ltr" },
  { code: "tr", name: "Türkçe", dir: "ltr" },
  { code: "uk", name: "Українська", dir: "ltr" },
  { code: "ur", name: "اردو", dir: "rtl" },
  { code: "vi", name: "Tiếng Việt", dir: "ltr" },
  { code: "zh-CN", name: "简体中文", dir: "ltr" },
  { code: "zh-TW", name: "繁體中文", dir: "ltr" },
] as const satisfies readonly Language[];

export type LanguageCode = (typeof LANGUAGES)[number]["code"];

export const DEFAULT_LANGUAGE: LanguageCode = "en";

export function findLanguage(code: string): Language | undefined {
  return LANGUAGES.find((language) => language.code === code);
}

/** The supported language closest to a BCP 47 tag (exact, then the base language), or undefined. */
export function matchLanguage(tag: string): LanguageCode | undefined {
  const lower = tag.toLowerCase();
  const exact = LANGUAGES.find((language) => language.code.toLowerCase() === lower);
  if (exact) return exact.code;
  const base = lower.split("-")[0];
  if (base === "pt") return "pt-BR";
  if (base === "zh")
    return lower.includes("tw") || lower.includes("hant") || lower.includes("hk") ? "zh-TW" : "zh-CN";
  if (base === "no" || base === "nn") return "nb";
  if (base === "tl") return "fil";
  return LANGUAGES.find((language) => language.code === base)?.code;
}

export function directionOf(code: string): "ltr" | "rtl" {
  return findLanguage(code)?.dir ?? "ltr";
}
