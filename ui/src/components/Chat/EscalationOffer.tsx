import { useTranslation } from "react-i18next";
import { buttonClasses } from "../ui";

/** Shown under an answer when the assistant thinks a person would help more. */
export function EscalationOffer({ onAccept }: { onAccept: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="mt-2 flex flex-wrap items-center gap-3 rounded-lg border border-line bg-warning-soft p-3 text-fg">
      <p>{t("chat.escalationPrompt")}</p>
      <button type="button" onClick={onAccept} className={buttonClasses("primary", "md")}>
        {t("chat.escalationAccept")}
      </button>
    </div>
  );
}
