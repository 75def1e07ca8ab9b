// One conversation as the chat window sees it. State lives in the store and the services, so any number of
// components may call useChat with the same id: they share the history load, the socket and the outbox.
import i18next from "i18next";
import { useCallback, useEffect, useMemo, useRef } from "react";
import type { Conversation } from "../services/api";
import { useAppDispatch, useAppSelector } from "../store";
import {
  chatKey,
  selectAwaitingReply,
  selectChatItems,
  selectConversationChat,
  type ChatItem,
} from "../store/selectors/conversation";
import { draftReset } from "../store/slices/conversationSlice";
import { useConversation } from "./useConversations";
import { useServices } from "./useServices";

export type { ChatItem, ChatItemStatus } from "../store/selectors/conversation";

export interface UseChatOptions {
  /** The first send of a new chat created this conversation: the shell puts its id in the URL. */
  onConversationCreated?: (id: string) => void;
}

export interface UseChat {
  items: ChatItem[];
  conversation: Conversation | null;
  isLoadingHistory: boolean;
  /** Always false: the contract pages history forward only, so the whole history is loaded on open. */
  hasOlder: boolean;
  loadOlder(): void;
  assistantTyping: boolean;
  awaitingReply: boolean;
  send(content: string): void;
  retry(clientMessageId: string): void;
  stopWaiting(): void;
  escalate(reason?: string): Promise<void>;
  close(): Promise<void>;
  rate(messageId: string, rating: "up" | "down"): Promise<void>;
}

const replyFailedText = () => i18next.t("errors.reply_failed");
const noOlder = () => undefined;

export function useChat(conversationId: string | null, options: UseChatOptions = {}): UseChat {
  const { chat } = useServices();
  const dispatch = useAppDispatch();
  const key = useAppSelector((state) => chatKey(state, conversationId));
  const promotedTo = useAppSelector((state) => state.chat.draftPromotedTo);
  const items: ChatItem[] = useAppSelector((state) =>
    selectChatItems(state, conversationId, replyFailedText),
  );
  const history = useAppSelector((state) => selectConversationChat(state, conversationId).history);
  const assistantTyping = useAppSelector(
    (state) => selectConversationChat(state, conversationId).assistantTyping,
  );
  const awaitingReply = useAppSelector((state) => selectAwaitingReply(state, conversationId));
  const targetId = conversationId ?? promotedTo;
  const conversation = useConversation(targetId);

  const onCreated = useRef(options.onConversationCreated);
  useEffect(() => {
    onCreated.current = options.onConversationCreated;
  });

  useEffect(() => {
    if (conversationId === null) {
      // A fresh "new conversation" view: forget which conversation an earlier draft became.
      dispatch(draftReset());
      return undefined;
    }
    return chat.open(conversationId);
  }, [chat, conversationId, dispatch]);

  const send = useCallback(
    (content: string) => {
      if (content.trim() === "") return;
      chat.send(targetId, content, (id) => onCreated.current?.(id));
    },
    [chat, targetId],
  );
  const retry = useCallback(
    (clientMessageId: string) => {
      chat.retry(clientMessageId, (id) => onCreated.current?.(id));
    },
    [chat],
  );
  const stopWaiting = useCallback(() => {
    chat.stopWaiting(key);
  }, [chat, key]);
  const escalate = useCallback(
    (reason?: string) => (targetId ? chat.escalate(targetId, reason) : Promise.resolve()),
    [chat, targetId],
  );
  const close = useCallback(() => (targetId ? chat.close(targetId) : Promise.resolve()), [chat, targetId]);
  const rate = useCallback(
    (messageId: string, rating: "up" | "down") =>
      targetId ? chat.rate(targetId, messageId, rating) : Promise.resolve(),
    [chat, targetId],
  );

  return useMemo(
    () => ({
      items,
      conversation,
      isLoadingHistory: conversationId !== null && (history === "loading" || history === "idle"),
      hasOlder: false,
      loadOlder: noOlder,
      assistantTyping,
      awaitingReply,
      send,
      retry,
      stopWaiting,
      escalate,
      close,
      rate,
    }),
    [
      items,
      conversation,
      conversationId,
      history,
      assistantTyping,
      awaitingReply,
      send,
      retry,
      stopWaiting,
      escalate,
      close,
      rate,
    ],
  );
}
