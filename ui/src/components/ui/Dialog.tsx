import { useEffect, useId, useRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { IconButton } from "./IconButton";
import { CloseIcon } from "./icons";

export interface DialogProps {
  open: boolean;
  onClose: () => void;
  /** The visible heading; it also names the dialog (aria-labelledby). */
  title: string;
  children: ReactNode;
  /** Buttons shown under the content, e.g. Cancel and Confirm. */
  footer?: ReactNode;
  /** "drawer" slides from the inline start edge (the sidebar on small screens). */
  variant?: "center" | "drawer";
  className?: string;
}

const variantClasses = {
  center:
    "m-auto w-[min(32rem,calc(100vw-1rem))] max-h-[calc(var(--app-height,100dvh)-1rem)] rounded-lg border border-line",
  drawer:
    "ms-0 me-auto my-0 h-[var(--app-height,100dvh)] max-h-none w-[min(20rem,calc(100vw-3rem))] border-e border-line",
} as const;

/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert (the browser traps
 * focus), Escape closes it, and focus goes back to the control that opened it.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  footer,
  variant = "center",
  className,
}: DialogProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const opener = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // jsdom (the unit tests) has no showModal(); the open attribute shows the same content there.
    // Read through a loose type: the DOM types say showModal always exists, jsdom says otherwise.
    const native = typeof (dialog as Partial<Pick<HTMLDialogElement, "showModal">>).showModal === "function";
    if (native) {
      if (!dialog.open) dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    return () => {
      if (native) dialog.close();
      else dialog.removeAttribute("open");
      // Browsers differ on where focus lands after close(), so return it ourselves.
      const target = opener.current;
      if (target?.isConnected) target.focus();
    };
  }, [open]);

  if (!open) return null;

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      // Escape fires "cancel": keep React in charge of the open state instead of letting the browser close it.
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className={`bg-surface text-fg p-0 shadow-xl backdrop:bg-black/50 ${variantClasses[variant]}${className ? ` ${className}` : ""}`}
    >
      <div className="flex max-h-[inherit] flex-col">
        <div className="border-line flex items-center gap-2 border-b px-4 py-2">
          <h2 id={titleId} className="me-auto text-lg font-semibold">
            {title}
          </h2>
          <IconButton label={t("app.close")} icon={<CloseIcon />} onClick={onClose} />
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto px-4 py-3">{children}</div>
        {footer ? (
          <div className="border-line flex flex-wrap justify-end gap-2 border-t px-4 py-3">{footer}</div>
        ) : null}
      </div>
    </dialog>
  );
}
