import type { ReactNode } from "react";

/** The first focusable thing on the page: hidden until focused, then jumps to `targetId` (WCAG 2.4.1). */
export function SkipLink({ targetId, children }: { targetId: string; children: ReactNode }) {
  return (
    <a
      href={`#${targetId}`}
      onClick={(event) => {
        // Follow the link by moving focus, without changing the URL (the URL is the open conversation).
        const target = document.getElementById(targetId);
        if (!target) return;
        event.preventDefault();
        target.focus();
      }}
      className="bg-surface text-fg border-line sr-only z-50 rounded-md border focus:not-sr-only focus:fixed focus:start-2 focus:top-2 focus:px-4 focus:py-3"
    >
      {children}
    </a>
  );
}
