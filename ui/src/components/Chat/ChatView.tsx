import { useCallback, useRef } from "react";
import { useTranslation } from "react-i18next";
import { MessageInput } from "./MessageInput";
import { MessageList } from "./MessageList";
import { TypingIndicator } from "./TypingIndicator";
import type { ChatItem, Conversation, Rating } from "./types";

export interface ChatViewProps {
  items: readonly ChatItem[];
  status: Conversation["status"] | null;
  isLoadingHistory: boolean;
  hasOlder: boolean;
  onLoadOlder: () => void;
  assistantTyping: boolean;
  awaitingReply: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  onRetry: (clientMessageId: string) => void;
  onRate: (messageId: string, rating: Rating) => void;
  /** Resolves once the hand-off request is done (or failed). */
  onEscalate: () => Promise<void>;
}

/**
 * The chat screen without its data source: transcript, typing status and composer. Every action that starts
 * from a button in the transcript hands focus back to the composer, so the next question is one keystroke away.
 */
export function ChatView(props: ChatViewProps) {
  const { onSend, onRetry, onEscalate } = props;
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const focusComposer = useCallback(() => composerRef.current?.focus(), []);

  const sendAndFocus = useCallback(
    (text: string) => {
      onSend(text);
      focusComposer();
    },
    [onSend, focusComposer],
  );
  const retryAndFocus = useCallback(
    (clientMessageId: string) => {
      onRetry(clientMessageId);
      focusComposer();
    },
    [onRetry, focusComposer],
  );
  const escalateAndFocus = useCallback(() => {
    focusComposer();
    void onEscalate().finally(focusComposer);
  }, [onEscalate, focusComposer]);

  const closed = props.status === "resolved" || props.status === "abandoned";
  const canEscalate = props.status === "active" || props.status === "waiting";

  return (
    <div className="flex h-full min-h-0 flex-col bg-surface">
      <MessageList
        items={props.items}
        isLoadingHistory={props.isLoadingHistory}
        hasOlder={props.hasOlder}
        onLoadOlder={props.onLoadOlder}
        canEscalate={canEscalate}
        empty={<EmptyState onAsk={sendAndFocus} />}
        onRetry={retryAndFocus}
        onQuickReply={sendAndFocus}
        onRate={props.onRate}
        onEscalate={escalateAndFocus}
      />
      <TypingIndicator active={props.assistantTyping} />
      <MessageInput
        ref={composerRef}
        onSend={props.onSend}
        onStop={props.onStop}
        awaitingReply={props.awaitingReply}
        closed={closed}
      />
    </div>
  );
}

const EXAMPLES = ["chat.empty.example1", "chat.empty.example2", "chat.empty.example3"] as const;

/** A new conversation: a greeting and a few questions to start from. */
export function EmptyState({ onAsk }: { onAsk: (text: string) => void }) {
  const { t } = useTranslation();
  return (
    <div className="mx-auto flex max-w-xl flex-col items-center gap-4 px-4 py-10 text-center">
      <p className="text-xl font-semibold text-fg">{t("chat.empty.greeting")}</p>
      <p className="text-muted">{t("chat.empty.intro")}</p>
      <ul className="flex flex-col items-stretch gap-2">
        {EXAMPLES.map((key) => (
          <li key={key}>
            <button
              type="button"
              onClick={() => onAsk(t(key))}
              className="min-h-11 w-full rounded-lg border border-line bg-canvas px-4 text-start text-fg hover:bg-raised"
            >
              {t(key)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
