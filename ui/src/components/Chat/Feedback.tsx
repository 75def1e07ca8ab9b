import { useTranslation } from "react-i18next";
import type { Rating } from "./types";

interface FeedbackProps {
  rating: Rating | null;
  onRate: (rating: Rating) => void;
}

/** Thumbs up / down under an answer; the pressed state shows the rating this person gave. */
export function Feedback({ rating, onRate }: FeedbackProps) {
  const { t } = useTranslation();
  const buttonClass =
    "flex min-h-8 min-w-8 items-center justify-center rounded text-muted hover:bg-raised hover:text-fg aria-pressed:bg-accent aria-pressed:text-on-accent";
  return (
    <div role="group" aria-label={t("chat.feedback")} className="mt-1 flex gap-1">
      <button
        type="button"
        aria-label={t("chat.helpful")}
        aria-pressed={rating === "up"}
        onClick={() => onRate("up")}
        className={buttonClass}
      >
        <ThumbIcon />
      </button>
      <button
        type="button"
        aria-label={t("chat.notHelpful")}
        aria-pressed={rating === "down"}
        onClick={() => onRate("down")}
        className={buttonClass}
      >
        <ThumbIcon down />
      </button>
    </div>
  );
}

function ThumbIcon({ down = false }: { down?: boolean }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 24 24"
      width="18"
      height="18"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      className={down ? "rotate-180" : undefined}
    >
      <path d="M7 10v11H4a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3Zm0 0 4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.4 8a2 2 0 0 1-2 1.7H7" />
    </svg>
  );
}
