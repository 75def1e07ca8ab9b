import { useId, type ReactNode, type Ref, type TextareaHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import { Button, type ButtonVariant } from "../../components/ui/Button";
import { MAX_REASON } from "./schemas";

export interface ReasonFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string;
  hint: string;
  error?: string | undefined;
}

/** The "why" of an action: a labelled text area whose hint and error are read with it (aria-describedby). */
export function ReasonField({
  label,
  hint,
  error,
  ref,
  ...rest
}: ReasonFieldProps & { ref?: Ref<HTMLTextAreaElement> }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <textarea
        ref={ref}
        id={id}
        rows={3}
        // The server keeps up to this much; the field stops there instead of refusing later.
        maxLength={MAX_REASON}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${errorId} ${hintId}` : hintId}
        className="bg-surface text-fg border-line aria-invalid:border-danger w-full rounded-md border px-3 py-2"
        {...rest}
      />
      <p id={hintId} className="text-muted text-sm">
        {hint}
      </p>
      {error ? (
        <p id={errorId} className="text-danger text-sm">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A refusal from the server, inside the dialog that asked; a new `attempt` makes it a new alert, read again. */
export function FormAlert({ message, attempt }: { message: string | null; attempt: number }) {
  if (!message) return null;
  return (
    <p key={attempt} role="alert" className="text-danger bg-danger-soft rounded-md px-3 py-2">
      {message}
    </p>
  );
}

/** A dialog form's closing row: Cancel, then the action (a submit button, disabled while it runs). */
export function FormActions({
  onCancel,
  variant,
  busy,
  children,
}: {
  onCancel: () => void;
  variant: ButtonVariant;
  busy: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Button onClick={onCancel}>{t("header.cancel")}</Button>
      <Button type="submit" variant={variant} disabled={busy}>
        {children}
      </Button>
    </div>
  );
}
