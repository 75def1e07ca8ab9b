import { useTranslation } from "react-i18next";
import { formatCount, formatDuration, formatHours, formatShare } from "./format";
import type { LiveMetrics } from "./types";

/** A value shown short to the eye and said in full to a screen reader ("850 ms" is read "850 milliseconds"). */
function Spoken({ visible, spoken }: { visible: string; spoken: string }) {
  return (
    <>
      <span aria-hidden="true">{visible}</span>
      <span className="sr-only">{spoken}</span>
    </>
  );
}

function NoData() {
  const { t } = useTranslation();
  return <span className="text-muted">{t("admin.live.noData")}</span>;
}

/** The header over the live columns: the window the server counted them in, e.g. "Last 24 hours". */
export function LiveWindowHeader({ hours }: { hours: number }) {
  const { t, i18n } = useTranslation();
  return (
    <th scope="colgroup" colSpan={4} className="border-line border-b px-2 py-1 text-center">
      {t("admin.live.window", { hours: formatHours(hours, i18n.language) })}
    </th>
  );
}

/** The live columns' own headers, under LiveWindowHeader. */
export function LiveHeaders() {
  const { t } = useTranslation();
  return (
    <>
      <th scope="col" className="px-2 py-2 text-end">
        {t("admin.live.turns")}
      </th>
      <th scope="col" className="px-2 py-2 text-end">
        {t("admin.live.errorRate")}
      </th>
      <th scope="col" className="px-2 py-2 text-end">
        {t("admin.live.ttftP99")}
      </th>
      <th scope="col" className="px-2 py-2 text-end">
        {t("admin.live.thumbs")}
      </th>
    </>
  );
}

/**
 * One version's replies over the window (`live` of GET /api/v1/admin/models): how many, the share that failed
 * (with the fallbacks under it), the 99th percentile time to first token (the median under it) and the ratings.
 * A version with no reply in the window shows "No data" rather than a misleading 0%.
 */
export function LiveCells({ live }: { live: LiveMetrics }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const idle = live.turns === 0;
  const duration = (ms: number) => ({
    visible: formatDuration(ms, language),
    spoken: formatDuration(ms, language, "long"),
  });
  const p99 = live.ttft_p99_ms === null ? null : duration(live.ttft_p99_ms);
  const p50 = live.ttft_p50_ms === null ? null : duration(live.ttft_p50_ms);
  return (
    <>
      <td className="px-2 py-2 text-end tabular-nums">{formatCount(live.turns, language)}</td>
      <td className="px-2 py-2 text-end tabular-nums">
        {idle ? (
          <NoData />
        ) : (
          <>
            {formatShare(live.failed / live.turns, language)}{" "}
            <span className="text-muted block text-xs">
              {t("admin.live.fallbacks", { number: formatCount(live.fallbacks, language) })}
            </span>
          </>
        )}
      </td>
      <td className="px-2 py-2 text-end tabular-nums">
        {p99 === null ? <NoData /> : <Spoken {...p99} />}
        {p50 === null ? null : (
          <>
            {/* The spaces keep two figures apart in what a screen reader says for a cell. */}{" "}
            <span className="text-muted block text-xs">
              <Spoken
                visible={t("admin.live.median", { time: p50.visible })}
                spoken={t("admin.live.median", { time: p50.spoken })}
              />
            </span>
          </>
        )}
      </td>
      <td className="px-2 py-2 text-end tabular-nums">
        {idle ? (
          <NoData />
        ) : (
          t("admin.live.thumbsValue", {
            up: formatCount(live.thumbs_up, language),
            down: formatCount(live.thumbs_down, language),
          })
        )}
      </td>
    </>
  );
}
