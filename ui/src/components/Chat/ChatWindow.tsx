import { useCallback, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useChat } from "../../hooks/useChat";
import { preloadMarkdown } from "../Markdown/Markdown";
import { errorMessage } from "../../services/api";
import { useAppDispatch } from "../../store";
import { announce } from "../../store/slices/uiSlice";
import { ChatView } from "./ChatView";
import type { Rating } from "./types";

export interface ChatWindowProps {
  conversationId: string | null;
  /** The first message of a new chat created a conversation: the shell puts its id in the URL. */
  onConversationCreated: (id: string) => void;
}

/** The chat for one conversation (or a new one when the id is null), wired to the chat hook. */
export function ChatWindow({ conversationId, onConversationCreated }: ChatWindowProps) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const chat = useChat(conversationId, { onConversationCreated });
  // Fetch the Markdown renderer while the user types, not when the first answer streams (or the network drops).
  useEffect(() => {
    preloadMarkdown().catch(() => undefined);
  }, []);
  // The hook's functions are stable between renders only through `chat`; arrows keep `this` out of the picture.
  const onSend = useCallback((text: string) => chat.send(text), [chat]);
  const onStop = useCallback(() => chat.stopWaiting(), [chat]);
  const onRetry = useCallback((clientMessageId: string) => chat.retry(clientMessageId), [chat]);
  const onLoadOlder = useCallback(() => chat.loadOlder(), [chat]);

  const onRate = useCallback(
    (messageId: string, rating: Rating) => {
      chat.rate(messageId, rating).then(
        () => dispatch(announce(t("chat.feedbackThanks"))),
        (error: unknown) => dispatch(announce(errorMessage(error))),
      );
    },
    [chat, dispatch, t],
  );
  const onEscalate = useCallback(
    () =>
      chat.escalate().catch((error: unknown) => {
        dispatch(announce(errorMessage(error)));
      }),
    [chat, dispatch],
  );

  return (
    <ChatView
      items={chat.items}
      status={chat.conversation?.status ?? null}
      isLoadingHistory={chat.isLoadingHistory}
      hasOlder={chat.hasOlder}
      onLoadOlder={onLoadOlder}
      assistantTyping={chat.assistantTyping}
      awaitingReply={chat.awaitingReply}
      onSend={onSend}
      onStop={onStop}
      onRetry={onRetry}
      onRate={onRate}
      onEscalate={onEscalate}
    />
  );
}
