// Assistant text and citations come from a model and a knowledge base, so every link is checked before it
// becomes an href: only web and mail links, never javascript:, data: or relative paths.
const ALLOWED_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** The URL when it is an absolute http(s) or mailto link, else "". */
export function safeUrl(url: string | null | undefined): string {
  if (!url) return "";
  try {
    const parsed = new URL(url.trim());
    return ALLOWED_PROTOCOLS.has(parsed.protocol) ? parsed.href : "";
  } catch {
    return "";
  }
}

/** Whether a safe URL opens a web page (a new tab) rather than a mail client. */
export function isWebUrl(url: string): boolean {
  return url.startsWith("http:") || url.startsWith("https:");
}
