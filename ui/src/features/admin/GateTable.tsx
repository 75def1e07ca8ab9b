import { useTranslation } from "react-i18next";
import { formatDelta, formatShare } from "./format";
import type { GateComparison } from "./gate";

const KNOWN_METRICS = new Set(["key_fact_accuracy", "handoff_recall"]);

/** The evaluation gate's comparison of a refused promote: each gated figure, live against the candidate. */
export function GateTable({ comparison }: { comparison: GateComparison }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const share = (value: number | null) =>
    value === null ? t("admin.notTested") : formatShare(value, language);
  return (
    // As the models table: whole words, and a narrow dialog scrolls the table sideways rather than squeezing it.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrollable region needs keyboard focus
    <div className="overflow-x-auto" role="region" aria-label={t("admin.gateTable")} tabIndex={0}>
      <table className="w-full min-w-[26rem] border-collapse text-sm wrap-normal">
        <caption className="pb-1 text-start font-medium">{t("admin.gateTable")}</caption>
        <thead>
          <tr className="border-line border-b">
            <th scope="col" className="px-2 py-1 text-start">
              {t("admin.gateColumn.metric")}
            </th>
            <th scope="col" className="px-2 py-1 text-end">
              {t("admin.stage.live")}
              <span className="block font-normal" dir="ltr">
                {comparison.live}
              </span>
            </th>
            <th scope="col" className="px-2 py-1 text-end">
              {t("admin.gateColumn.candidate")}
              <span className="block font-normal" dir="ltr">
                {comparison.candidate}
              </span>
            </th>
            <th scope="col" className="px-2 py-1 text-end">
              {t("admin.gateColumn.delta")}
            </th>
            <th scope="col" className="px-2 py-1 text-start">
              {t("admin.gateColumn.result")}
            </th>
          </tr>
        </thead>
        <tbody>
          {comparison.metrics.map((row) => (
            <tr key={row.metric} className="border-line border-b">
              <th scope="row" className="px-2 py-1 text-start font-normal">
                {KNOWN_METRICS.has(row.metric)
                  ? t(`admin.metric.${row.metric as "handoff_recall"}`)
                  : row.metric}
              </th>
              <td className="px-2 py-1 text-end tabular-nums">{share(row.live)}</td>
              <td className="px-2 py-1 text-end tabular-nums">{share(row.candidate)}</td>
              <td className="px-2 py-1 text-end tabular-nums">
                {row.delta === null ? "" : formatDelta(row.delta, language)}
              </td>
              <td className={`px-2 py-1 font-medium ${row.passed ? "text-success" : "text-danger"}`}>
                {row.passed ? t("admin.pass") : t("admin.fail")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
