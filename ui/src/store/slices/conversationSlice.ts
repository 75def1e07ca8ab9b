// The live side of every open conversation: stored messages in seq order, replies as they stream, the user's
// unacknowledged sends (the outbox, keyed by client_message_id), ratings and "stop waiting" flags. Every reducer is
// idempotent, so an event seen twice (replay after a reconnect, a second tab) changes nothing the second time.
// What components read from it (the ordered chat items, "awaiting a reply") lives in ../selectors/conversation.
import { createSlice, type PayloadAction } from "@reduxjs/toolkit";
import type { components } from "../../api/generated/openapi";

export type Message = components["schemas"]["Message"];
export type ReplyMeta = components["schemas"]["ReplyMeta"];
export type Rating = "up" | "down";

/** Where a first message waits while its conversation is being created. */
export const DRAFT_KEY = "draft";

export interface SendError {
  code: string;
  message: string;
}

export interface OutboxEntry {
  clientMessageId: string;
  content: string;
  createdAt: string;
  status: "sending" | "failed";
  error: SendError | null;
}

export interface StreamEntry {
  /** Deltas by their index; a gap (a delta missed during a drop) stops the visible text until the end. */
  parts: (string | null)[];
  text: string;
  /** Where the reply sits before its stored message (and seq) arrives. */
  seqHint: number;
  /** When its first delta arrived (ISO 8601): the bubble's time until the stored message brings its own. */
  startedAt: string;
}

export type HistoryStatus = "idle" | "loading" | "loaded" | "error";

export interface ConversationChat {
  messages: Record<string, Message>;
  /** Message ids in seq order. */
  order: string[];
  lastSeq: number;
  streams: Record<string, StreamEntry>;
  outbox: Record<string, OutboxEntry>;
  outboxOrder: string[];
  ratings: Record<string, Rating>;
  /** Replies the user stopped waiting for, with the text frozen at that moment. */
  stopped: Record<string, string>;
  /** "Stop waiting" was chosen before the reply started: freeze it as soon as it does. */
  stopPending: boolean;
  assistantTyping: boolean;
  history: HistoryStatus;
}

export interface ChatState {
  byId: Record<string, ConversationChat>;
  /** The conversation the last draft became, so `useChat(null)` keeps showing it until the URL follows. */
  draftPromotedTo: string | null;
}

export const initialChatState: ChatState = { byId: {}, draftPromotedTo: null };

export function emptyConversation(): ConversationChat {
  return {
    messages: {},
    order: [],
    lastSeq: 0,
    streams: {},
    outbox: {},
    outboxOrder: [],
    ratings: {},
    stopped: {},
    stopPending: false,
    assistantTyping: false,
    history: "idle",
  };
}

function conversationOf(state: ChatState, id: string): ConversationChat {
  state.byId[id] ??= emptyConversation();
  return state.byId[id];
}

function upsertMessage(chat: ConversationChat, message: Message): void {
  const existing = chat.messages[message.id];
  // Never go back from a finished message to its streaming placeholder (an old replay arriving late).
  if (existing && existing.status !== "streaming" && message.status === "streaming") return;
  chat.messages[message.id] = message;
  if (!existing) {
    let at = chat.order.length;
    while (at > 0) {
      const before = chat.messages[chat.order[at - 1] ?? ""];
      if (!before || before.seq < message.seq) break;
      at -= 1;
    }
    chat.order.splice(at, 0, message.id);
  }
  chat.lastSeq = Math.max(chat.lastSeq, message.seq);
  if (message.client_message_id && chat.outbox[message.client_message_id]) {
    Reflect.deleteProperty(chat.outbox, message.client_message_id);
    chat.outboxOrder = chat.outboxOrder.filter((key) => key !== message.client_message_id);
  }
  if (message.status !== "streaming") {
    Reflect.deleteProperty(chat.streams, message.id);
    if (message.role === "assistant") chat.assistantTyping = false;
  }
}

function findOutbox(state: ChatState, clientMessageId: string): OutboxEntry | undefined {
  for (const chat of Object.values(state.byId)) {
    const entry = chat.outbox[clientMessageId];
    if (entry) return entry;
  }
  return undefined;
}

const conversationSlice = createSlice({
  name: "chat",
  initialState: initialChatState,
  reducers: {
    historyLoading(state, action: PayloadAction<string>) {
      conversationOf(state, action.payload).history = "loading";
    },
    historyFailed(state, action: PayloadAction<string>) {
      conversationOf(state, action.payload).history = "error";
    },
    historyLoaded(state, action: PayloadAction<string>) {
      conversationOf(state, action.payload).history = "loaded";
    },
    messagesReceived(state, action: PayloadAction<{ conversationId: string; messages: Message[] }>) {
      const chat = conversationOf(state, action.payload.conversationId);
      for (const message of action.payload.messages) upsertMessage(chat, message);
    },
    outboxAdded(
      state,
      action: PayloadAction<{
        conversationId: string;
        clientMessageId: string;
        content: string;
        createdAt: string;
      }>,
    ) {
      const { conversationId, clientMessageId, content, createdAt } = action.payload;
      const chat = conversationOf(state, conversationId);
      if (chat.outbox[clientMessageId]) return;
      chat.outbox[clientMessageId] = { clientMessageId, content, createdAt, status: "sending", error: null };
      chat.outboxOrder.push(clientMessageId);
      chat.stopPending = false;
    },
    sendAcked(state, action: PayloadAction<{ conversationId: string; message: Message }>) {
      upsertMessage(conversationOf(state, action.payload.conversationId), action.payload.message);
    },
    sendFailed(state, action: PayloadAction<{ clientMessageId: string; error: SendError }>) {
      const entry = findOutbox(state, action.payload.clientMessageId);
      if (!entry) return;
      entry.status = "failed";
      entry.error = action.payload.error;
    },
    sendRetried(state, action: PayloadAction<string>) {
      const entry = findOutbox(state, action.payload);
      if (!entry) return;
      entry.status = "sending";
      entry.error = null;
    },
    /** Another engine answers afresh: what was streamed for this reply is dropped, deltas count from 0 again. */
    streamReset(state, action: PayloadAction<{ conversationId: string; messageId: string }>) {
      const { conversationId, messageId } = action.payload;
      const stream = conversationOf(state, conversationId).streams[messageId];
      if (!stream) return;
      stream.parts = [];
      stream.text = "";
    },
    deltaReceived(
      state,
      action: PayloadAction<{
        conversationId: string;
        messageId: string;
        index: number;
        delta: string;
        at?: string;
      }>,
    ) {
      const { conversationId, messageId, index, delta, at } = action.payload;
      const chat = conversationOf(state, conversationId);
      const stored = chat.messages[messageId];
      if (stored && stored.status !== "streaming") return;
      let stream = chat.streams[messageId];
      if (!stream) {
        stream = {
          parts: [],
          text: "",
          seqHint: stored?.seq ?? chat.lastSeq + 1,
          startedAt: at ?? stored?.created_at ?? "",
        };
        chat.streams[messageId] = stream;
        if (chat.stopPending) chat.stopped[messageId] = "";
      }
      if (stream.parts[index] != null) return;
      stream.parts[index] = delta;
      let text = "";
      // for-of visits holes too (as undefined): the text stops at the first missing delta.
      for (const part of stream.parts) {
        if (part == null) break;
        text += part;
      }
      stream.text = text;
      chat.assistantTyping = true;
    },
    typingChanged(state, action: PayloadAction<{ conversationId: string; typing: boolean }>) {
      conversationOf(state, action.payload.conversationId).assistantTyping = action.payload.typing;
    },
    waitingStopped(state, action: PayloadAction<string>) {
      const chat = conversationOf(state, action.payload);
      for (const [id, stream] of Object.entries(chat.streams)) chat.stopped[id] ??= stream.text;
      chat.stopPending = true;
      chat.assistantTyping = false;
    },
    rated(
      state,
      action: PayloadAction<{ conversationId: string; messageId: string; rating: Rating | null }>,
    ) {
      const chat = conversationOf(state, action.payload.conversationId);
      if (action.payload.rating) chat.ratings[action.payload.messageId] = action.payload.rating;
      else Reflect.deleteProperty(chat.ratings, action.payload.messageId);
    },
    draftPromoted(state, action: PayloadAction<string>) {
      const draft = state.byId[DRAFT_KEY];
      const chat = conversationOf(state, action.payload);
      if (draft) {
        for (const key of draft.outboxOrder) {
          const entry = draft.outbox[key];
          if (!entry || chat.outbox[key]) continue;
          chat.outbox[key] = entry;
          chat.outboxOrder.push(key);
        }
        Reflect.deleteProperty(state.byId, DRAFT_KEY);
      }
      state.draftPromotedTo = action.payload;
    },
    draftReset(state) {
      state.draftPromotedTo = null;
    },
    chatCleared() {
      return initialChatState;
    },
  },
});

export const {
  historyLoading,
  historyFailed,
  historyLoaded,
  messagesReceived,
  outboxAdded,
  sendAcked,
  sendFailed,
  sendRetried,
  deltaReceived,
  streamReset,
  typingChanged,
  waitingStopped,
  rated,
  draftPromoted,
  draftReset,
  chatCleared,
} = conversationSlice.actions;
export default conversationSlice.reducer;
