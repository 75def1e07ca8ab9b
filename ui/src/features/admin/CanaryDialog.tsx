import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Dialog } from "../../components/ui/Dialog";
import { adminErrorMessage } from "./errors";
import { FormActions, FormAlert, ReasonField } from "./fields";
import { formatPercent } from "./format";
import { canarySchema, type CanaryValues } from "./schemas";
import { modelId, type ModelVersion } from "./types";

export interface CanaryDialogProps {
  /** The version to try; the dialog is open while it is set. */
  row: ModelVersion | null;
  onClose: () => void;
  onSubmit: (values: CanaryValues) => Promise<void>;
}

/** A version's current canary share, or a careful 10% for a first canary. */
function startingPercent(row: ModelVersion): number {
  return row.stage === "canary" && row.traffic_percent > 0 ? row.traffic_percent : 10;
}

/**
 * Send a share of new conversations to a version: a slider and a number field bound to one value (1-99), an
 * optional reason, and nothing changes until "Start canary". A refusal shows inside the dialog as an alert.
 */
export function CanaryDialog({ row, onClose, onSubmit }: CanaryDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={row !== null}
      onClose={onClose}
      title={row ? t("admin.canaryTitle", { model: modelId(row) }) : ""}
    >
      {row ? <CanaryForm key={modelId(row)} row={row} onClose={onClose} onSubmit={onSubmit} /> : null}
    </Dialog>
  );
}

function CanaryForm({ row, onClose, onSubmit }: { row: ModelVersion } & Omit<CanaryDialogProps, "row">) {
  const { t, i18n } = useTranslation();
  const labelId = useId();
  const numberId = useId();
  const hintId = useId();
  const errorId = useId();
  const [refusal, setRefusal] = useState<{ message: string; attempt: number } | null>(null);
  const schema = useMemo(() => canarySchema(t), [t]);
  const {
    register,
    handleSubmit,
    setValue,
    watch,
    formState: { errors, isSubmitting },
  } = useForm<CanaryValues>({
    resolver: zodResolver(schema),
    defaultValues: { percent: startingPercent(row), reason: "" },
  });
  const percent = watch("percent");
  const sliderValue =
    Number.isInteger(percent) && percent >= 1 && percent <= 99 ? percent : startingPercent(row);
  const invalid = errors.percent?.message;

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(values);
    } catch (error) {
      setRefusal((last) => ({ message: adminErrorMessage(error, t), attempt: (last?.attempt ?? 0) + 1 }));
    }
  });

  return (
    <form noValidate onSubmit={(event) => void submit(event)} className="flex flex-col gap-4">
      <div className="flex flex-col gap-1">
        <label id={labelId} htmlFor={numberId} className="font-medium">
          {t("admin.canaryShare")}
        </label>
        <div className="flex items-center gap-3">
          <input
            type="range"
            min={1}
            max={99}
            step={1}
            value={sliderValue}
            aria-labelledby={labelId}
            aria-valuetext={formatPercent(sliderValue, i18n.language)}
            aria-describedby={hintId}
            onChange={(event) => setValue("percent", Number(event.target.value), { shouldValidate: true })}
            className="accent-accent min-h-11 min-w-0 flex-1"
          />
          <input
            id={numberId}
            type="number"
            min={1}
            max={99}
            step={1}
            inputMode="numeric"
            aria-invalid={invalid ? true : undefined}
            aria-describedby={invalid ? `${errorId} ${hintId}` : hintId}
            className="bg-surface text-fg border-line aria-invalid:border-danger min-h-11 w-20 rounded-md border px-2 text-end"
            {...register("percent", { valueAsNumber: true })}
          />
        </div>
        <p id={hintId} className="text-muted text-sm">
          {t("admin.canaryHint")}
        </p>
        {invalid ? (
          <p id={errorId} className="text-danger text-sm">
            {invalid}
          </p>
        ) : null}
      </div>
      <ReasonField
        label={t("admin.reasonOptional")}
        hint={t("admin.reasonHint")}
        error={errors.reason?.message}
        {...register("reason")}
      />
      <FormAlert message={refusal?.message ?? null} attempt={refusal?.attempt ?? 0} />
      <FormActions onCancel={onClose} variant="primary" busy={isSubmitting}>
        {t("admin.canaryStart")}
      </FormActions>
    </form>
  );
}
