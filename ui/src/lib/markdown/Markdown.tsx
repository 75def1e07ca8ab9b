import { lazy, Suspense } from "react";

const MarkdownRenderer = lazy(() => import("./MarkdownRenderer"));

/**
 * Markdown for assistant and agent messages. The renderer is a separate chunk, so the first paint does not wait
 * for it: until it arrives the text shows as plain text, which is already readable.
 */
export function Markdown({ children }: { children: string }) {
  return (
    <Suspense fallback={<p className="whitespace-pre-wrap break-words">{children}</p>}>
      <MarkdownRenderer>{children}</MarkdownRenderer>
    </Suspense>
  );
}
