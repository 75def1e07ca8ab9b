// Numbers of the admin screen through Intl, so each language writes its own percent sign and digits.
const cache = new Map<string, Intl.NumberFormat>();

function percentFormat(language: string, signed: boolean): Intl.NumberFormat {
  const key = `${language}|${String(signed)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, {
      style: "percent",
      maximumFractionDigits: 1,
      ...(signed ? { signDisplay: "exceptZero" as const } : {}),
    });
    cache.set(key, format);
  }
  return format;
}

/** A share given as a fraction 0-1 (evaluation scores), e.g. 0.857 → "85.7%". */
export function formatShare(fraction: number, language: string): string {
  return percentFormat(language, false).format(fraction);
}

/** A whole percent 0-100 (traffic, canary), e.g. 25 → "25%". */
export function formatPercent(percent: number, language: string): string {
  return percentFormat(language, false).format(percent / 100);
}

/** A difference of two shares with its sign, e.g. -0.05 → "-5%"; zero has no sign. */
export function formatDelta(fraction: number, language: string): string {
  return percentFormat(language, true).format(fraction);
}

const unitCache = new Map<string, Intl.NumberFormat>();

function unitFormat(language: string, unit: string, display: "short" | "long", digits: number) {
  const key = `${language}|${unit}|${display}|${String(digits)}`;
  let format = unitCache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, {
      style: "unit",
      unit,
      unitDisplay: display,
      maximumFractionDigits: digits,
    });
    unitCache.set(key, format);
  }
  return format;
}

/**
 * A time in milliseconds the way a person reads it: whole milliseconds under a second, else seconds with one
 * decimal. `short` for the eye ("850 ms", "1.2 sec"), `long` for a screen reader ("850 milliseconds"), each in the
 * UI language by Intl, so no unit needs a translation.
 */
export function formatDuration(ms: number, language: string, display: "short" | "long" = "short"): string {
  return ms < 1000
    ? unitFormat(language, "millisecond", display, 0).format(ms)
    : unitFormat(language, "second", display, 1).format(ms / 1000);
}

/** A span of whole hours in words, e.g. 24 → "24 hours" (the window of the live figures). */
export function formatHours(hours: number, language: string): string {
  return unitFormat(language, "hour", "long", 0).format(hours);
}

const countCache = new Map<string, Intl.NumberFormat>();

/** A count with the language's digits and grouping, e.g. 1234 → "1,234". */
export function formatCount(count: number, language: string): string {
  let format = countCache.get(language);
  if (!format) {
    format = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
    countCache.set(language, format);
  }
  return format.format(count);
}
