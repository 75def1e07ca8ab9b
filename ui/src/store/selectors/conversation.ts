// Reads of the live conversation: the items a chat shows (stored messages, streams and the outbox merged in seq
// order) and whether the user still waits for a reply. Memoised, so a component re-renders only when its
// conversation changed.
import { createSelector } from "@reduxjs/toolkit";
import {
  DRAFT_KEY,
  emptyConversation,
  type ChatState,
  type ConversationChat,
  type Message,
  type Rating,
  type ReplyMeta,
  type SendError,
} from "../slices/conversationSlice";

interface ChatSlice {
  chat: ChatState;
}

export type ChatItemStatus = "sending" | "failed" | "streaming" | "complete";

export interface ChatItem {
  key: string;
  id: string | null;
  clientMessageId: string | null;
  role: "user" | "assistant" | "agent" | "system";
  content: string;
  status: ChatItemStatus;
  createdAt: string;
  meta: ReplyMeta | null;
  rating: Rating | null;
  error: SendError | null;
  stopped: boolean;
}

const EMPTY = emptyConversation();

/** The conversation key a hook reads: its id, or the draft (or what the draft became) when there is none. */
export function chatKey(state: ChatSlice, conversationId: string | null): string {
  return conversationId ?? state.chat.draftPromotedTo ?? DRAFT_KEY;
}

export const selectConversationChat = (state: ChatSlice, conversationId: string | null): ConversationChat =>
  state.chat.byId[chatKey(state, conversationId)] ?? EMPTY;

function isReplyMeta(meta: Message["meta"]): meta is ReplyMeta {
  return Array.isArray((meta as Partial<ReplyMeta>).citations);
}

/** Failed replies carry no reason of their own: the item says why with the server's `reply_failed` code. */
export type ReplyFailedText = () => string;

function buildItems(chat: ConversationChat, replyFailedText: ReplyFailedText): ChatItem[] {
  const entries: { seq: number; item: ChatItem }[] = [];
  for (const id of chat.order) {
    const message = chat.messages[id];
    if (!message) continue;
    const stream = chat.streams[id];
    const frozen = chat.stopped[id];
    const streaming = message.status === "streaming";
    entries.push({
      seq: message.seq,
      item: {
        key: message.client_message_id ?? message.id,
        id: message.id,
        clientMessageId: message.client_message_id,
        role: message.role,
        content: streaming ? (frozen ?? stream?.text ?? message.content) : message.content,
        status: streaming ? "streaming" : message.status === "failed" ? "failed" : "complete",
        createdAt: message.created_at,
        meta: isReplyMeta(message.meta) ? message.meta : null,
        rating: chat.ratings[id] ?? null,
        error:
          message.status === "failed" && message.role !== "user"
            ? { code: "reply_failed", message: replyFailedText() }
            : null,
        stopped: frozen !== undefined,
      },
    });
  }
  for (const [id, stream] of Object.entries(chat.streams)) {
    if (chat.messages[id]) continue;
    const frozen = chat.stopped[id];
    entries.push({
      seq: stream.seqHint,
      item: {
        key: id,
        id,
        clientMessageId: null,
        role: "assistant",
        content: frozen ?? stream.text,
        status: "streaming",
        createdAt: stream.startedAt,
        meta: null,
        rating: null,
        error: null,
        stopped: frozen !== undefined,
      },
    });
  }
  // Stable: equal seqs keep their order (a stream placed right after the message it answers).
  entries.sort((a, b) => a.seq - b.seq);
  const items = entries.map((entry) => entry.item);
  for (const key of chat.outboxOrder) {
    const entry = chat.outbox[key];
    if (!entry) continue;
    items.push({
      key,
      id: null,
      clientMessageId: key,
      role: "user",
      content: entry.content,
      status: entry.status,
      createdAt: entry.createdAt,
      meta: null,
      rating: null,
      error: entry.error,
      stopped: false,
    });
  }
  return items;
}

export const selectChatItems = createSelector(
  [
    selectConversationChat,
    (_state: ChatSlice, _id: string | null, replyFailedText: ReplyFailedText) => replyFailedText,
  ],
  buildItems,
);

/** A message of the user has no finished reply yet (and the user did not choose "Stop waiting"). */
export const selectAwaitingReply = createSelector([selectConversationChat], (chat): boolean => {
  if (chat.stopPending) return false;
  if (chat.outboxOrder.some((key) => chat.outbox[key]?.status === "sending")) return true;
  let lastUserSeq = -1;
  let lastReplySeq = -1;
  for (const id of chat.order) {
    const message = chat.messages[id];
    if (!message) continue;
    if (message.role === "user") lastUserSeq = message.seq;
    else if (message.status !== "streaming") lastReplySeq = message.seq;
  }
  const streamingLive = Object.keys(chat.streams).some((id) => chat.stopped[id] === undefined);
  return lastUserSeq > lastReplySeq || streamingLive;
});
