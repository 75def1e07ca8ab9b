// Message times through Intl, so each language gets its own clock and date order.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${language}|${String(withDate)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(
      language,
      withDate ? { dateStyle: "medium", timeStyle: "short" } : { timeStyle: "short" },
    );
    formatters.set(key, format);
  }
  return format;
}

/** The time of a message; the date too when it was not sent today. "" for a bad timestamp. */
export function formatMessageTime(iso: string, language: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const sameDay = date.toDateString() === now.toDateString();
  return formatter(language, !sameDay).format(date);
}
