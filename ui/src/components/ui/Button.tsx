import type { ButtonHTMLAttributes } from "react";

export type ButtonVariant = "primary" | "secondary" | "ghost" | "danger";
export type ButtonSize = "sm" | "md" | "lg";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
}

const base =
  "inline-flex items-center justify-center gap-2 rounded-md font-medium whitespace-nowrap " +
  "transition-colors disabled:cursor-not-allowed disabled:opacity-60 contrast-more:border-2";

const variants: Record<ButtonVariant, string> = {
  primary: "bg-accent text-on-accent hover:bg-accent-hover border border-transparent",
  secondary: "bg-surface text-fg border border-line hover:bg-canvas",
  ghost: "bg-transparent text-fg border border-transparent hover:bg-canvas contrast-more:border-line",
  danger: "bg-surface text-danger border border-danger hover:bg-danger-soft",
};

// Every size keeps the target at least 24 px (WCAG 2.5.8); md and lg reach 44 px for touch.
const sizes: Record<ButtonSize, string> = {
  sm: "min-h-8 min-w-8 px-2 text-sm",
  md: "min-h-11 min-w-11 px-4 text-base",
  lg: "min-h-12 min-w-12 px-5 text-lg",
};

export function buttonClasses(variant: ButtonVariant = "secondary", size: ButtonSize = "md"): string {
  return `${base} ${variants[variant]} ${sizes[size]}`;
}

/** A button with the app's look. Defaults to type="button" so it never submits a form by accident. */
export function Button({
  variant = "secondary",
  size = "md",
  className,
  type = "button",
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={className ? `${buttonClasses(variant, size)} ${className}` : buttonClasses(variant, size)}
      {...rest}
    />
  );
}
