export interface LiveRegionProps {
  /** The text to say; `id` changes for every new announcement, even when the text repeats. */
  announcement: { id: number; text: string } | null;
}

/**
 * The app's one polite live region. It stays in the page (a region added together with its text is often not
 * read). Each announcement gets a fresh inner node keyed by its id, so the same text said twice is a new DOM
 * addition and is read twice.
 */
export function LiveRegion({ announcement }: LiveRegionProps) {
  return (
    <div aria-live="polite" aria-atomic="true" className="sr-only" data-testid="live-region">
      {announcement ? <span key={announcement.id}>{announcement.text}</span> : null}
    </div>
  );
}
