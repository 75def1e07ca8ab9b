import { useId } from "react";
import { useTranslation } from "react-i18next";
import { isWebUrl, safeUrl } from "../Markdown/safeUrl";
import type { Citation } from "./types";

/** The articles an answer is based on: a list labelled "Sources", each with its excerpt on demand. */
export function Citations({ citations }: { citations: readonly Citation[] }) {
  const { t } = useTranslation();
  const labelId = useId();
  if (citations.length === 0) return null;
  return (
    <div className="mt-2 text-sm">
      <p id={labelId} className="font-semibold text-fg">
        {t("chat.sources")}
      </p>
      <ul aria-labelledby={labelId} className="mt-1 flex flex-col gap-1">
        {citations.map((citation) => {
          const url = safeUrl(citation.url);
          return (
            <li key={citation.id}>
              {url ? (
                <a
                  href={url}
                  {...(isWebUrl(url) ? { target: "_blank", rel: "noopener noreferrer" } : {})}
                  className="inline-block min-h-6"
                >
                  {citation.title} <span className="sr-only">{t("chat.opensInNewTab")}</span>
                </a>
              ) : (
                <span>{citation.title}</span>
              )}
              {citation.snippet ? (
                <details className="text-muted">
                  <summary className="min-h-6 cursor-pointer">{t("chat.showExcerpt")}</summary>
                  <p className="mt-1 border-s-2 border-line ps-2 whitespace-pre-wrap">{citation.snippet}</p>
                </details>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
