import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/Button";
import { formatDateTime } from "../../lib/format";
import { formatPercent } from "./format";
import type { AuditEntry } from "./types";

export interface AuditLogProps {
  entries: AuditEntry[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

/** An action's name in the UI language (the buttons' words); one this UI does not know shows as sent. */
function ActionName({ action }: { action: string }) {
  const { t } = useTranslation();
  switch (action) {
    case "canary":
      return <>{t("admin.canary")}</>;
    case "promote":
      return <>{t("admin.promote")}</>;
    case "rollback":
      return <>{t("admin.rollback")}</>;
    case "evaluate": // stored test scores (`csagent models eval`)
      return <>{t("admin.scoresAction")}</>;
    default:
      return <>{action}</>;
  }
}

/** The share a canary entry set, when its details carry one. */
function percentOf(entry: AuditEntry): number | null {
  const percent = entry.details.percent;
  return entry.action === "canary" && typeof percent === "number" ? percent : null;
}

/**
 * Who acted: their name (with their email, when they have one), or the start of their user id (the whole id on
 * hover) when the user no longer exists, or "System" for an action without a user.
 */
function Actor({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  if (!entry.actor_id) return <>{t("admin.system")}</>;
  if (entry.actor_name) {
    return (
      <>
        {entry.actor_name}
        {entry.actor_email ? (
          <span dir="ltr" className="text-muted block text-xs">
            {entry.actor_email}
          </span>
        ) : null}
      </>
    );
  }
  return (
    <span dir="ltr" title={entry.actor_id}>
      {entry.actor_id.slice(0, 8)}
    </span>
  );
}

/**
 * The lifecycle's audit log, newest first: when, who, which action, on what, and why. "Show more" reads the
 * next page (the server's cursor); the table never reorders what is already shown.
 */
export function AuditLog({ entries, hasMore, loadingMore, onLoadMore }: AuditLogProps) {
  const { t, i18n } = useTranslation();
  if (entries.length === 0) return <p className="text-muted">{t("admin.auditEmpty")}</p>;
  return (
    <div className="flex flex-col gap-3">
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrollable region needs keyboard focus */}
      <div className="overflow-x-auto" role="region" aria-label={t("admin.audit")} tabIndex={0}>
        <table className="w-full min-w-[40rem] border-collapse text-sm wrap-normal">
          <caption className="sr-only">{t("admin.audit")}</caption>
          <thead>
            <tr className="border-line border-b">
              <th scope="col" className="px-2 py-2 text-start">
                {t("admin.auditColumn.when")}
              </th>
              <th scope="col" className="px-2 py-2 text-start">
                {t("admin.auditColumn.who")}
              </th>
              <th scope="col" className="px-2 py-2 text-start">
                {t("admin.auditColumn.action")}
              </th>
              <th scope="col" className="px-2 py-2 text-start">
                {t("admin.auditColumn.what")}
              </th>
              <th scope="col" className="px-2 py-2 text-start">
                {t("admin.auditColumn.why")}
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const percent = percentOf(entry);
              const forced = entry.action === "promote" && entry.details.forced === true;
              return (
                <tr key={entry.id} className="border-line border-b align-top">
                  <td className="px-2 py-2 whitespace-nowrap">
                    <time dateTime={entry.at}>{formatDateTime(entry.at, i18n.language)}</time>
                  </td>
                  <td className="px-2 py-2">
                    <Actor entry={entry} />
                  </td>
                  <td className="px-2 py-2">
                    <ActionName action={entry.action} />
                    {forced ? <span className="text-danger block text-xs">{t("admin.forced")}</span> : null}
                  </td>
                  <td className="px-2 py-2">
                    <span dir="ltr">{entry.version ? `${entry.name}@${entry.version}` : entry.name}</span>
                    {percent !== null ? (
                      <span className="text-muted block text-xs">
                        {t("admin.auditShare", { percent: formatPercent(percent, i18n.language) })}
                      </span>
                    ) : null}
                  </td>
                  <td className="px-2 py-2">
                    {entry.reason ?? <span className="text-muted">{t("admin.noReason")}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {hasMore ? (
        <Button className="self-start" disabled={loadingMore} onClick={onLoadMore}>
          {loadingMore ? t("app.loading") : t("admin.auditMore")}
        </Button>
      ) : null}
    </div>
  );
}
