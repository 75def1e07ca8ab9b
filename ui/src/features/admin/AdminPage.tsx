import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/Button";
import { useAppDispatch } from "../../store";
import { announce } from "../../store/slices/uiSlice";
import { AuditLog } from "./AuditLog";
import { CanaryDialog } from "./CanaryDialog";
import { adminErrorMessage } from "./errors";
import { formatPercent } from "./format";
import { followInApp } from "./links";
import { ModelsTable } from "./ModelsTable";
import { PromoteDialog } from "./PromoteDialog";
import { RollbackDialog } from "./RollbackDialog";
import { optionalReason, type CanaryValues, type PromoteValues, type ReasonValues } from "./schemas";
import { modelId, type ModelList, type ModelVersion } from "./types";
import { useAuditLog, useLifecycleAction, useModels } from "./useAdmin";

const MODELS_HEADING_ID = "admin-models-heading";

type Open =
  | { kind: "canary"; row: ModelVersion }
  | { kind: "promote"; row: ModelVersion }
  | { kind: "rollback"; name: string }
  | null;

function liveOf(list: ModelList, name: string): ModelVersion | null {
  return list.engines.find((row) => row.name === name && row.stage === "live") ?? null;
}

/**
 * The model lifecycle screen for admins: the versions table with canary, promote and rollback (each behind a
 * confirmation dialog), and the audit log. A finished action is said once in the app's polite live region; when
 * its dialog closes, focus goes back to the button that opened it, or to the table's heading when that button is
 * no longer usable (a promoted version has no "Promote").
 */
export function AdminPage() {
  const { t, i18n } = useTranslation();
  const dispatch = useAppDispatch();
  const models = useModels();
  const audit = useAuditLog();
  const action = useLifecycleAction();
  const [open, setOpen] = useState<Open>(null);
  const [afterAction, setAfterAction] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = `${t("admin.title")} – ${t("app.name")}`;
  }, [t]);

  // Runs after the dialog's own clean-up has tried to refocus its opener: if that button is now disabled, focus
  // would be lost on <body>, so it goes to the heading instead.
  useEffect(() => {
    if (afterAction === 0) return;
    const active = document.activeElement;
    if (!active || active === document.body || (active instanceof HTMLButtonElement && active.disabled)) {
      headingRef.current?.focus();
    }
  }, [afterAction]);

  const close = () => setOpen(null);
  const done = (text: string) => {
    setOpen(null);
    setAfterAction((count) => count + 1);
    dispatch(announce(text));
  };
  const language = i18n.language;

  const startCanary = async (row: ModelVersion, values: CanaryValues) => {
    const body = {
      name: row.name,
      version: row.version,
      percent: values.percent,
      ...optionalReason(values.reason),
    };
    await action.run({ kind: "canary", body });
    done(t("admin.canaryDone", { model: modelId(row), percent: formatPercent(values.percent, language) }));
  };
  const promote = async (row: ModelVersion, values: PromoteValues) => {
    const body = {
      name: row.name,
      version: row.version,
      force: values.force,
      ...optionalReason(values.reason),
    };
    await action.run({ kind: "promote", body });
    done(t("admin.promoteDone", { model: modelId(row) }));
  };
  const rollback = async (name: string, values: ReasonValues) => {
    const list = await action.run({
      kind: "rollback",
      body: { name, ...optionalReason(values.reason) },
    });
    const live = liveOf(list, name);
    done(t("admin.rollbackDone", { name, model: live ? modelId(live) : name }));
  };

  const list = models.data ?? null;
  const auditEntries = audit.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="bg-canvas text-fg min-h-[var(--app-height,100dvh)]">
      <header className="bg-surface border-line border-b">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">
          <h1 className="me-auto text-lg font-semibold">{t("admin.title")}</h1>
          <a href="/" onClick={followInApp("/")} className="text-link underline">
            {t("admin.backToChat")}
          </a>
        </div>
      </header>
      <main className="mx-auto flex max-w-6xl flex-col gap-8 px-4 py-4">
        <section aria-labelledby={MODELS_HEADING_ID} className="flex flex-col gap-3">
          <h2 id={MODELS_HEADING_ID} ref={headingRef} tabIndex={-1} className="text-lg font-semibold">
            {t("admin.models")}
          </h2>
          {list ? (
            <ModelsTable
              models={list.engines}
              busy={action.isPending}
              onCanary={(row) => setOpen({ kind: "canary", row })}
              onPromote={(row) => setOpen({ kind: "promote", row })}
              onRollback={(name) => setOpen({ kind: "rollback", name })}
            />
          ) : models.isError ? (
            <div role="alert" className="flex flex-wrap items-center gap-3">
              <p className="text-danger">
                {t("admin.loadFailed")} {adminErrorMessage(models.error, t)}
              </p>
              <Button onClick={() => void models.refetch()}>{t("admin.retry")}</Button>
            </div>
          ) : (
            <p role="status">{t("app.loading")}</p>
          )}
        </section>
        <section aria-labelledby="admin-audit-heading" className="flex flex-col gap-3">
          <h2 id="admin-audit-heading" className="text-lg font-semibold">
            {t("admin.audit")}
          </h2>
          {audit.data ? (
            <AuditLog
              entries={auditEntries}
              hasMore={audit.hasNextPage}
              loadingMore={audit.isFetchingNextPage}
              onLoadMore={() => void audit.fetchNextPage()}
            />
          ) : audit.isError ? (
            <div role="alert" className="flex flex-wrap items-center gap-3">
              <p className="text-danger">
                {t("admin.auditLoadFailed")} {adminErrorMessage(audit.error, t)}
              </p>
              <Button onClick={() => void audit.refetch()}>{t("admin.retry")}</Button>
            </div>
          ) : (
            <p role="status">{t("app.loading")}</p>
          )}
        </section>
      </main>
      <CanaryDialog
        row={open?.kind === "canary" ? open.row : null}
        onClose={close}
        onSubmit={(values) => (open?.kind === "canary" ? startCanary(open.row, values) : Promise.resolve())}
      />
      <PromoteDialog
        row={open?.kind === "promote" ? open.row : null}
        live={open?.kind === "promote" && list ? liveOf(list, open.row.name) : null}
        onClose={close}
        onSubmit={(values) => (open?.kind === "promote" ? promote(open.row, values) : Promise.resolve())}
      />
      <RollbackDialog
        name={open?.kind === "rollback" ? open.name : null}
        models={list?.engines ?? []}
        onClose={close}
        onSubmit={(values) => (open?.kind === "rollback" ? rollback(open.name, values) : Promise.resolve())}
      />
    </div>
  );
}
