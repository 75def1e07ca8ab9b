import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Dialog } from "../../components/ui/Dialog";
import { adminErrorMessage } from "./errors";
import { FormActions, FormAlert, ReasonField } from "./fields";
import { reasonSchema, type ReasonValues } from "./schemas";
import { modelId, type ModelVersion } from "./types";

export interface RollbackDialogProps {
  /** The engine to roll back; the dialog is open while it is set. */
  name: string | null;
  models: ModelVersion[];
  onClose: () => void;
  onSubmit: (values: ReasonValues) => Promise<void>;
}

/** What a rollback of `name` will do, in words: the server ends a canary first, else returns to the previous live. */
export function rollbackEffect(
  models: ModelVersion[],
  name: string,
): { key: "admin.rollbackCanary" | "admin.rollbackPrevious"; live: string; other: string } | null {
  const versions = models.filter((row) => row.name === name);
  const live = versions.find((row) => row.stage === "live");
  const canary = versions.find((row) => row.stage === "canary");
  const previous = versions.find((row) => row.previous);
  if (!live) return null;
  if (canary) return { key: "admin.rollbackCanary", live: modelId(live), other: modelId(canary) };
  if (previous) return { key: "admin.rollbackPrevious", live: modelId(live), other: modelId(previous) };
  return null;
}

/** Confirm a rollback, with what it will do and an optional reason for the audit log. */
export function RollbackDialog({ name, models, onClose, onSubmit }: RollbackDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog open={name !== null} onClose={onClose} title={name ? t("admin.rollbackTitle", { name }) : ""}>
      {name ? (
        <RollbackForm key={name} name={name} models={models} onClose={onClose} onSubmit={onSubmit} />
      ) : null}
    </Dialog>
  );
}

function RollbackForm({
  name,
  models,
  onClose,
  onSubmit,
}: { name: string } & Omit<RollbackDialogProps, "name">) {
  const { t } = useTranslation();
  const [refusal, setRefusal] = useState<{ message: string; attempt: number } | null>(null);
  const {
    register,
    handleSubmit,
    formState: { errors, isSubmitting },
  } = useForm<ReasonValues>({ resolver: zodResolver(reasonSchema()), defaultValues: { reason: "" } });
  const effect = rollbackEffect(models, name);

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(values);
    } catch (error) {
      setRefusal((last) => ({ message: adminErrorMessage(error, t), attempt: (last?.attempt ?? 0) + 1 }));
    }
  });

  return (
    <form noValidate onSubmit={(event) => void submit(event)} className="flex flex-col gap-4">
      {effect ? <p>{t(effect.key, { live: effect.live, other: effect.other })}</p> : null}
      <ReasonField
        label={t("admin.reasonOptional")}
        hint={t("admin.reasonHint")}
        error={errors.reason?.message}
        {...register("reason")}
      />
      <FormAlert message={refusal?.message ?? null} attempt={refusal?.attempt ?? 0} />
      <FormActions onCancel={onClose} variant="danger" busy={isSubmitting}>
        {t("admin.rollback")}
      </FormActions>
    </form>
  );
}
