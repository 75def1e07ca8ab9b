import { useTranslation } from "react-i18next";

/**
 * "The assistant is typing…". The status element stays mounted so screen readers notice when text appears in
 * it; the dots are decoration and stand still under reduced motion.
 */
export function TypingIndicator({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return (
    <div role="status" className="min-h-6 px-4 text-sm text-muted">
      {active ? (
        <span className="inline-flex items-center gap-2">
          <span aria-hidden="true" className="inline-flex gap-1">
            {[0, 150, 300].map((delay) => (
              <span
                key={delay}
                className="size-1.5 animate-bounce rounded-full bg-muted motion-reduce:animate-none"
                style={{ animationDelay: `${delay}ms` }}
              />
            ))}
          </span>
          {t("chat.typing")}
        </span>
      ) : null}
    </div>
  );
}
