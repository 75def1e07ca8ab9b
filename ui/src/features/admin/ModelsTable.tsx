import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/Button";
import { formatPercent, formatShare } from "./format";
import { LiveCells, LiveHeaders, LiveWindowHeader } from "./LiveFigures";
import { modelId, type ModelStage, type ModelVersion } from "./types";

export interface ModelsTableProps {
  models: ModelVersion[];
  /** True while an action runs: every action button waits. */
  busy?: boolean;
  onCanary: (row: ModelVersion) => void;
  onPromote: (row: ModelVersion) => void;
  onRollback: (name: string) => void;
}

const stageClasses: Record<ModelStage, string> = {
  live: "bg-accent text-on-accent",
  canary: "bg-warning-soft text-fg border border-line",
  available: "text-muted border border-line",
};

/** What `rollback {name}` would do for an engine: end its canary, else return to the previous live version. */
export function canRollBack(models: ModelVersion[], name: string): boolean {
  return models.some((row) => row.name === name && (row.stage === "canary" || row.previous));
}

function Score({ value, language }: { value: number | null | undefined; language: string }) {
  const { t } = useTranslation();
  if (value === null || value === undefined)
    return <span className="text-muted">{t("admin.notTested")}</span>;
  return <>{formatShare(value, language)}</>;
}

/**
 * Every version of every engine: its stage, its share of new conversations, its evaluation scores and its live
 * figures (replies, failures, time to first token, ratings over the server's window), with the actions that fit
 * it. A button is disabled exactly when its action cannot apply (promote the live version,
 * canary a version whose spec changed, roll back with nothing to return to). On a narrow screen the table
 * scrolls sideways inside a focusable region, so a keyboard can scroll it too.
 */
export function ModelsTable({ models, busy = false, onCanary, onPromote, onRollback }: ModelsTableProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  return (
    // A scrollable region must be reachable by keyboard (WCAG 2.1.1); its name is the table's.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
    <div className="overflow-x-auto" role="region" aria-label={t("admin.models")} tabIndex={0}>
      {/* Words stay whole (the page breaks long words anywhere) and the table keeps a readable width: a narrow
          screen scrolls this region sideways instead of squeezing the columns (WCAG 1.4.10 allows it for data tables). */}
      <table className="w-full min-w-[64rem] border-collapse text-start text-sm wrap-normal">
        <caption className="sr-only">{t("admin.models")}</caption>
        <colgroup span={5} />
        <colgroup span={4} />
        <colgroup span={1} />
        <thead>
          <tr className="border-line border-b">
            <th scope="col" rowSpan={2} className="px-2 py-2 text-start">
              {t("admin.column.model")}
            </th>
            <th scope="col" rowSpan={2} className="px-2 py-2 text-start">
              {t("admin.column.stage")}
            </th>
            <th scope="col" rowSpan={2} className="px-2 py-2 text-end">
              {t("admin.column.traffic")}
            </th>
            <th scope="col" rowSpan={2} className="px-2 py-2 text-end">
              {t("admin.metric.key_fact_accuracy")}
            </th>
            <th scope="col" rowSpan={2} className="px-2 py-2 text-end">
              {t("admin.metric.handoff_recall")}
            </th>
            <LiveWindowHeader hours={models[0]?.live.window_hours ?? 24} />
            <th scope="col" rowSpan={2} className="px-2 py-2 text-start">
              {t("admin.column.actions")}
            </th>
          </tr>
          <tr className="border-line border-b">
            <LiveHeaders />
          </tr>
        </thead>
        <tbody>
          {models.map((row) => {
            const live = row.stage === "live";
            return (
              <tr key={modelId(row)} className="border-line border-b align-top">
                <th scope="row" className="px-2 py-2 text-start font-medium">
                  <span dir="ltr">{modelId(row)}</span>
                  <span className="text-muted block text-xs font-normal">{row.kind}</span>
                  {row.changed ? (
                    <span className="text-danger block text-xs font-normal">{t("admin.changed")}</span>
                  ) : null}
                  {row.previous ? (
                    <span className="text-muted block text-xs font-normal">{t("admin.previous")}</span>
                  ) : null}
                </th>
                <td className="px-2 py-2">
                  <span className={`inline-block rounded px-2 py-0.5 text-xs ${stageClasses[row.stage]}`}>
                    {t(`admin.stage.${row.stage}`)}
                  </span>
                </td>
                <td className="px-2 py-2 text-end tabular-nums">
                  {formatPercent(row.traffic_percent, language)}
                </td>
                <td className="px-2 py-2 text-end tabular-nums">
                  <Score value={row.scores?.key_fact_accuracy} language={language} />
                </td>
                <td className="px-2 py-2 text-end tabular-nums">
                  <Score value={row.scores?.handoff_recall} language={language} />
                </td>
                <LiveCells live={row.live} />
                <td className="px-2 py-2">
                  <div className="flex flex-wrap gap-1">
                    <Button
                      size="sm"
                      disabled={busy || live || row.changed || !row.in_chain}
                      onClick={() => onCanary(row)}
                    >
                      {t("admin.canary")}
                    </Button>
                    <Button size="sm" disabled={busy || live || row.changed} onClick={() => onPromote(row)}>
                      {t("admin.promote")}
                    </Button>
                    {live ? (
                      <Button
                        size="sm"
                        variant="danger"
                        disabled={busy || !canRollBack(models, row.name)}
                        onClick={() => onRollback(row.name)}
                      >
                        {t("admin.rollback")}
                      </Button>
                    ) : null}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
