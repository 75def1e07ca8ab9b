import { memo, useId, type CSSProperties, type Ref } from "react";
import { useTranslation } from "react-i18next";
import { Markdown } from "../Markdown/Markdown";
import { Citations } from "./Citations";
import { EscalationOffer } from "./EscalationOffer";
import { Feedback } from "./Feedback";
import { formatMessageTime } from "./formatTime";
import { QuickReplies } from "./QuickReplies";
import type { ChatItem, MessageActions } from "./types";
import { buttonClasses } from "../ui";

export interface MessageItemProps extends MessageActions {
  item: ChatItem;
  /** The newest message: only it offers suggested replies and the hand-off card. */
  isLatest: boolean;
  /** Whether the conversation can still be handed to a person. */
  canEscalate: boolean;
  /** Feed position (1-based) and size for screen readers; -1 when older messages are not loaded yet. */
  posInSet?: number | undefined;
  setSize?: number | undefined;
  tabIndex?: number | undefined;
  /** Set by the virtualised list, which measures and places each row. */
  ref?: Ref<HTMLElement> | undefined;
  index?: number | undefined;
  style?: CSSProperties | undefined;
}

const bubbleClass: Record<ChatItem["role"], string> = {
  user: "bg-bubble-user text-on-bubble-user rounded-ee-sm",
  assistant: "bg-bubble-bot text-fg rounded-es-sm",
  agent: "bg-bubble-bot text-fg rounded-es-sm border border-line",
  system: "bg-transparent text-muted italic",
};

/** One message of the transcript: an <article> named after its author. */
export const MessageItem = memo(function MessageItem({
  item,
  isLatest,
  canEscalate,
  posInSet,
  setSize,
  tabIndex,
  ref,
  index,
  style,
  onRetry,
  onQuickReply,
  onRate,
  onEscalate,
}: MessageItemProps) {
  const { t, i18n } = useTranslation();
  const authorId = useId();
  const isUser = item.role === "user";
  const isSystem = item.role === "system";
  const isAnswer = item.role === "assistant";
  const meta = item.meta;
  const complete = item.status === "complete";
  const time = formatMessageTime(item.createdAt, i18n.language);

  return (
    <article
      ref={ref}
      data-index={index}
      style={style}
      tabIndex={tabIndex}
      aria-labelledby={authorId}
      aria-posinset={posInSet}
      aria-setsize={setSize}
      className={`flex flex-col gap-1 px-4 py-2 ${isUser ? "items-end" : isSystem ? "items-center" : "items-start"}`}
    >
      <div className="flex items-baseline gap-2 text-xs text-muted">
        <span id={authorId} className={isUser ? "sr-only" : "font-semibold text-fg"}>
          {t(`chat.author.${item.role}`)}
        </span>
        {time ? <time dateTime={item.createdAt}>{time}</time> : null}
      </div>
      <div className={`max-w-[min(42rem,90%)] rounded-2xl px-4 py-2 ${bubbleClass[item.role]}`}>
        {isUser || isSystem ? (
          <p dir="auto" className="whitespace-pre-wrap break-words">
            {item.content}
          </p>
        ) : (
          <Markdown>{item.content}</Markdown>
        )}
        {item.status === "streaming" && !item.stopped ? (
          <span aria-hidden="true" className="ms-0.5 inline-block animate-pulse motion-reduce:animate-none">
            ▍
          </span>
        ) : null}
      </div>
      {item.status === "sending" ? <p className="text-xs text-muted">{t("chat.sending")}</p> : null}
      {item.status === "failed" && isUser ? (
        <div className="flex flex-wrap items-center justify-end gap-2 text-sm">
          <span className="font-semibold text-danger">{t("chat.notSent")}</span>
          {item.error ? <span className="text-muted">{item.error.message}</span> : null}
          {item.clientMessageId ? (
            <RetryButton clientMessageId={item.clientMessageId} onRetry={onRetry} label={t("chat.retry")} />
          ) : null}
        </div>
      ) : null}
      {item.stopped ? <p className="text-xs text-muted">{t("chat.stopped")}</p> : null}
      {isAnswer && complete && meta ? <Citations citations={meta.citations} /> : null}
      {isAnswer && complete && item.id ? (
        <Feedback rating={item.rating} onRate={(rating) => item.id && onRate(item.id, rating)} />
      ) : null}
      {isLatest && complete && meta ? (
        <QuickReplies replies={meta.quick_replies} onSelect={onQuickReply} />
      ) : null}
      {isLatest && complete && canEscalate && meta?.escalation_suggested ? (
        <EscalationOffer onAccept={onEscalate} />
      ) : null}
    </article>
  );
});

function RetryButton({
  clientMessageId,
  onRetry,
  label,
}: {
  clientMessageId: string;
  onRetry: (clientMessageId: string) => void;
  label: string;
}) {
  return (
    <button
      type="button"
      onClick={() => onRetry(clientMessageId)}
      className={buttonClasses("secondary", "sm")}
    >
      {label}
    </button>
  );
}
