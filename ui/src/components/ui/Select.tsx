import { useId, type SelectHTMLAttributes } from "react";

export interface SelectOption<V extends string> {
  value: V;
  label: string;
  /** BCP 47 tag when the label is in another language (language names), so it is read correctly. */
  lang?: string;
}

export interface SelectProps<V extends string> extends Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  "onChange" | "value"
> {
  label: string;
  value: V;
  options: readonly SelectOption<V>[];
  onChange: (value: V) => void;
}

/** A labelled native <select>: the platform picker is the most accessible one on every device. */
export function Select<V extends string>({
  label,
  value,
  options,
  onChange,
  id,
  className,
  ...rest
}: SelectProps<V>) {
  const ownId = useId();
  const selectId = id ?? ownId;
  return (
    <div className={`flex flex-col gap-1 ${className ?? ""}`}>
      <label htmlFor={selectId} className="font-medium">
        {label}
      </label>
      <select
        id={selectId}
        value={value}
        onChange={(event) => {
          const next = options.find((option) => option.value === event.target.value);
          if (next) onChange(next.value);
        }}
        className="bg-surface text-fg border-line min-h-11 w-full rounded-md border px-3"
        {...rest}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value} lang={option.lang}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
