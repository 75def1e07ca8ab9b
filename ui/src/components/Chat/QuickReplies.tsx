import { useTranslation } from "react-i18next";

/** Short answers the assistant suggests; choosing one sends it as the user's message. */
export function QuickReplies({
  replies,
  onSelect,
}: {
  replies: readonly string[];
  onSelect: (text: string) => void;
}) {
  const { t } = useTranslation();
  if (replies.length === 0) return null;
  return (
    <div role="group" aria-label={t("chat.suggestedReplies")} className="mt-2 flex flex-wrap gap-2">
      {replies.map((reply) => (
        <button
          key={reply}
          type="button"
          onClick={() => onSelect(reply)}
          className="min-h-11 rounded-full border border-accent bg-surface px-4 text-sm text-fg hover:bg-raised sm:min-h-8"
        >
          {reply}
        </button>
      ))}
    </div>
  );
}
