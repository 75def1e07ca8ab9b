import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useAppDispatch } from "../../store";
import { announce } from "../../store/slices/uiSlice";
import { buttonClasses } from "../ui";

export interface CodeBlockProps {
  code: string;
  /** The fence's language tag (```apex), if any. */
  language?: string | undefined;
}

/** A fenced code block: plain text at once, highlighted when the highlighter chunk arrives, with a copy button. */
export function CodeBlock({ code, language }: CodeBlockProps) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const highlighted = useHighlighted(code, language);

  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
      dispatch(announce(t("chat.codeCopied")));
    } catch {
      dispatch(announce(t("chat.copyFailed")));
    }
  }

  return (
    <div className="my-2 overflow-hidden rounded-md border border-line bg-code-bg text-fg">
      <div className="flex items-center justify-between gap-2 border-b border-line ps-3 pe-1 py-1 text-sm text-muted">
        <span>{language ?? ""}</span>
        <button type="button" onClick={() => void copy()} className={buttonClasses("ghost", "sm")}>
          {t("chat.copyCode")}
        </button>
      </div>
      {/* Code reads left to right in every language; wrapping keeps it readable at 400% zoom without a scrollbar. */}
      <pre dir="ltr" className="whitespace-pre-wrap break-words p-3 text-start font-mono text-sm">
        {highlighted === null ? (
          <code>{code}</code>
        ) : (
          // highlight.js escapes every character of the code and only adds <span class="hljs-…">.
          <code dangerouslySetInnerHTML={{ __html: highlighted }} />
        )}
      </pre>
    </div>
  );
}

function useHighlighted(code: string, language: string | undefined): string | null {
  const [result, setResult] = useState<{ code: string; language: string | undefined; html: string | null }>();
  useEffect(() => {
    if (!language) return;
    let cancelled = false;
    void import("./highlight").then(({ highlight }) => {
      if (!cancelled) setResult({ code, language, html: highlight(code, language) });
    });
    return () => {
      cancelled = true;
    };
  }, [code, language]);
  // A stale result (the code grew while streaming) is dropped rather than shown against the new text.
  return result?.code === code && result.language === language ? result.html : null;
}
