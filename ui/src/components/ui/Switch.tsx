import { useId, type InputHTMLAttributes } from "react";

export interface SwitchProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "type" | "onChange" | "checked"
> {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** A short line under the label, linked with aria-describedby. */
  description?: string;
}

/** An on/off setting: a native checkbox with role="switch", so keyboard and forms work without extra code. */
export function Switch({ label, checked, onChange, description, id, className, ...rest }: SwitchProps) {
  const ownId = useId();
  const inputId = id ?? ownId;
  const descriptionId = `${inputId}-description`;
  return (
    <div className={`flex items-start gap-3 ${className ?? ""}`}>
      <input
        id={inputId}
        type="checkbox"
        role="switch"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
        aria-describedby={description ? descriptionId : undefined}
        className="accent-accent mt-0.5 size-6 shrink-0 cursor-pointer"
        {...rest}
      />
      <div className="min-w-0">
        <label htmlFor={inputId} className="block cursor-pointer">
          {label}
        </label>
        {description ? (
          <p id={descriptionId} className="text-muted text-sm">
            {description}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** Same control without the switch role, for choices that read as "yes / no" in a list. */
export function Checkbox(props: SwitchProps) {
  return <Switch {...props} role="checkbox" />;
}
