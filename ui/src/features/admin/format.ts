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
