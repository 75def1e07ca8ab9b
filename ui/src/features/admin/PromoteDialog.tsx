import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Dialog } from "../../components/ui/Dialog";
import { Checkbox } from "../../components/ui/Switch";
import { adminErrorMessage } from "./errors";
import { FormActions, FormAlert, ReasonField } from "./fields";
import { formatPercent } from "./format";
import { gateComparison, isGateRefusal, type GateComparison } from "./gate";
import { GateTable } from "./GateTable";
import { promoteSchema, type PromoteValues } from "./schemas";
import { modelId, type ModelVersion } from "./types";

export interface PromoteDialogProps {
  /** The version to make live; the dialog is open while it is set. */
  row: ModelVersion | null;
  /** The engine's live version today (named in the text: it becomes the rollback target). */
  live: ModelVersion | null;
  onClose: () => void;
  onSubmit: (values: PromoteValues) => Promise<void>;
}

const GATE_REASONS = new Set(["below_live", "candidate_not_evaluated", "live_not_evaluated"]);

/**
 * Make a version live, after a confirmation. When the evaluation gate refuses, the dialog shows why (an alert)
 * and the comparison table, and only then offers "Promote anyway", which needs a reason for the audit log.
 */
export function PromoteDialog({ row, live, onClose, onSubmit }: PromoteDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={row !== null}
      onClose={onClose}
      title={row ? t("admin.promoteTitle", { model: modelId(row) }) : ""}
    >
      {row ? <PromoteForm key={modelId(row)} live={live} onClose={onClose} onSubmit={onSubmit} /> : null}
    </Dialog>
  );
}

interface Refusal {
  message: string;
  attempt: number;
  gate: GateComparison | null;
  /** The gate refused: forcing is now offered. */
  forceable: boolean;
}

function gateMessage(
  comparison: GateComparison | null,
  t: ReturnType<typeof useTranslation>["t"],
  language: string,
) {
  const reason = comparison?.reason;
  if (!comparison || !reason || !GATE_REASONS.has(reason)) return t("admin.errors.eval_gate_failed");
  return t(`admin.gate.${reason as "below_live"}`, {
    live: comparison.live,
    candidate: comparison.candidate,
    tolerance: formatPercent(comparison.tolerance * 100, language),
  });
}

function PromoteForm({ live, onClose, onSubmit }: Omit<PromoteDialogProps, "row">) {
  const { t, i18n } = useTranslation();
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const schema = useMemo(() => promoteSchema(t), [t]);
  const {
    register,
    handleSubmit,
    setValue,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<PromoteValues>({ resolver: zodResolver(schema), defaultValues: { force: false, reason: "" } });
  const force = watch("force");

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(values);
    } catch (error) {
      const gate = gateComparison(error);
      const forceable = isGateRefusal(error);
      setRefusal((last) => ({
        message: forceable ? gateMessage(gate, t, i18n.language) : adminErrorMessage(error, t),
        attempt: (last?.attempt ?? 0) + 1,
        gate,
        forceable: forceable || (last?.forceable ?? false),
      }));
    }
  });

  return (
    <form noValidate onSubmit={(event) => void submit(event)} className="flex flex-col gap-4">
      {live ? <p>{t("admin.promoteBody", { live: modelId(live) })}</p> : null}
      <FormAlert message={refusal?.message ?? null} attempt={refusal?.attempt ?? 0} />
      {refusal?.gate ? <GateTable comparison={refusal.gate} /> : null}
      {refusal?.forceable ? (
        <>
          <Checkbox
            label={t("admin.force")}
            description={t("admin.forceHint")}
            checked={force}
            onChange={(checked) =>
              setValue("force", checked, { shouldValidate: errors.reason !== undefined })
            }
          />
          {force ? (
            <ReasonField
              label={t("admin.reason")}
              hint={t("admin.reasonHint")}
              error={errors.reason?.message}
              required
              aria-required="true"
              {...register("reason")}
            />
          ) : null}
        </>
      ) : null}
      <FormActions onCancel={onClose} variant="primary" busy={isSubmitting}>
        {force ? t("admin.force") : t("admin.promote")}
      </FormActions>
    </form>
  );
}
