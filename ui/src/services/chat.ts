// The live conversation outside React: socket events into the store, history over REST, optimistic sends,
// and the live-region announcements (said once, here, however many components show the conversation).
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import i18next from "i18next";
import type { Message as WireMessage, ServerEvent } from "../api/generated/ws-frames";
import type { AppStore } from "../store";
import {
  DRAFT_KEY,
  chatCleared,
  deltaReceived,
  draftPromoted,
  historyFailed,
  historyLoaded,
  historyLoading,
  messagesReceived,
  outboxAdded,
  rated,
  sendAcked,
  sendFailed,
  sendRetried,
  streamReset,
  typingChanged,
  waitingStopped,
  type Message,
  type Rating,
} from "../store/slices/conversationSlice";
import { announce } from "../store/slices/uiSlice";
import {
  ApiError,
  codeMessage,
  errorMessage,
  type Api,
  type Conversation,
  type ConversationPage,
} from "./api";
import { plainText } from "./plainText";
import { queryKeys } from "./queryKeys";
import type { ChatSocket, ConnectionState } from "./websocket";

const HISTORY_PAGE = 100;

/**
 * The frame schema and the OpenAPI document describe the same Message; their generators differ only in how an
 * open-ended map (`meta.tokens`) is typed, so the socket's message is read as the REST one.
 */
function fromWire(message: WireMessage): Message {
  return { ...message, meta: message.meta as Message["meta"] };
}

export function newClientMessageId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; plain http on a LAN address still gets a v4 UUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface ChatServiceOptions {
  store: AppStore;
  api: Api;
  socket: ChatSocket;
  queryClient: QueryClient;
}

export class ChatService {
  private readonly store: AppStore;
  private readonly api: Api;
  private readonly socket: ChatSocket;
  private readonly queryClient: QueryClient;
  private readonly openCount = new Map<string, number>();
  private readonly historyLoads = new Map<string, Promise<void>>();
  /** Replies this tab saw stream: when they finish they are announced. */
  private readonly liveReplies = new Set<string>();
  private readonly announced = new Set<string>();
  /** client_message_ids sent from this tab: their replies are announced when they finish. */
  private readonly sentHere = new Set<string>();
  /** Conversations this tab has opened or written in: a person's message arriving on the socket there is news. */
  private readonly followed = new Set<string>();
  private readonly announcedCases = new Set<string>();
  private creating: Promise<string> | null = null;
  private connection: ConnectionState = "idle";
  private wasOpen = false;

  constructor(options: ChatServiceOptions) {
    this.store = options.store;
    this.api = options.api;
    this.socket = options.socket;
    this.queryClient = options.queryClient;
    this.socket.onEvent((event) => {
      this.handle(event);
    });
    this.socket.subscribe(() => {
      this.connectionChanged(this.socket.getSnapshot().state);
    });
  }

  private say(text: string): void {
    this.store.dispatch(announce(text));
  }

  // --- connection announcements -------------------------------------------------------------------------------

  private connectionChanged(state: ConnectionState): void {
    const before = this.connection;
    this.connection = state;
    if (before === state) return;
    if (before === "open" && (state === "reconnecting" || state === "offline" || state === "connecting")) {
      this.say(i18next.t("live.connectionLost"));
    } else if (state === "open") {
      if (this.wasOpen) this.say(i18next.t("live.connectionBack"));
      this.wasOpen = true;
    } else if (state === "idle") {
      this.wasOpen = false;
    }
  }

  // --- socket events --------------------------------------------------------------------------------------------

  handle(event: ServerEvent): void {
    const { dispatch } = this.store;
    switch (event.type) {
      case "message.ack":
        dispatch(
          sendAcked({ conversationId: event.message.conversation_id, message: fromWire(event.message) }),
        );
        break;
      case "message":
        this.received(fromWire(event.message));
        break;
      case "assistant.delta":
        this.liveReplies.add(event.message_id);
        dispatch(
          deltaReceived({
            conversationId: event.conversation_id,
            messageId: event.message_id,
            index: event.index,
            delta: event.delta,
            at: new Date().toISOString(),
          }),
        );
        break;
      case "assistant.reset":
        dispatch(streamReset({ conversationId: event.conversation_id, messageId: event.message_id }));
        break;
      case "assistant.typing":
        dispatch(typingChanged({ conversationId: event.conversation_id, typing: event.state === "start" }));
        break;
      case "conversation.updated":
        this.applyConversation(event.conversation);
        break;
      case "error":
        if (event.client_message_id)
          this.failed(event.client_message_id, event.code, codeMessage(event.code));
        break;
      default:
        break;
    }
  }

  private received(message: Message): void {
    const id = message.conversation_id;
    // Decided before the store changes: did this reply finish live for this tab (not a replay of history)?
    const live = this.finishesLive(message);
    this.store.dispatch(messagesReceived({ conversationId: id, messages: [message] }));
    if (message.status === "streaming") {
      if (message.role !== "user") this.liveReplies.add(message.id);
      return;
    }
    this.liveReplies.delete(message.id);
    if (!live || this.announced.has(message.id)) return;
    this.announced.add(message.id);
    const text = plainText(message.content);
    this.say(i18next.t(message.role === "agent" ? "live.agentReply" : "live.reply", { text }));
  }

  /**
   * An assistant reply is live when this tab saw it stream or sent the question it answers (a reply's seq follows
   * its question's). A person's message is live when it reaches this tab on the socket in a conversation the tab
   * follows and the tab does not already hold it complete: history comes over REST and a subscription replays
   * only what follows it, so no rule compares the server's clock with this browser's (a slow or skewed client
   * clock never silences a hand-off).
   */
  private finishesLive(message: Message): boolean {
    if (message.status === "streaming" || this.announced.has(message.id)) return false;
    const chat = this.store.getState().chat.byId[message.conversation_id];
    if (message.role === "agent") {
      return this.followed.has(message.conversation_id) && chat?.messages[message.id]?.status !== "complete";
    }
    if (message.role !== "assistant") return false;
    if (this.liveReplies.has(message.id)) return true;
    if (!chat) return false;
    const question = Object.values(chat.messages).find((m) => m.seq === message.seq - 1);
    return (
      question?.role === "user" &&
      question.client_message_id !== null &&
      this.sentHere.has(question.client_message_id)
    );
  }

  private failed(clientMessageId: string, code: string, message: string): void {
    this.socket.forget(clientMessageId);
    this.store.dispatch(sendFailed({ clientMessageId, error: { code, message } }));
    this.say(i18next.t("live.sendFailed", { reason: message }));
  }

  /** A conversation changed (socket event or a REST answer): update every cache, announce a hand-off once. */
  applyConversation(conversation: Conversation): void {
    this.queryClient.setQueryData(queryKeys.conversation(conversation.id), conversation);
    this.queryClient.setQueryData<InfiniteData<ConversationPage, string | null>>(
      queryKeys.conversations,
      (data) => {
        if (!data) return data;
        const held = data.pages.some((page) => page.items.some((item) => item.id === conversation.id));
        const [first, ...rest] = data.pages;
        if (!held && first) {
          return { ...data, pages: [{ ...first, items: [conversation, ...first.items] }, ...rest] };
        }
        const pages = data.pages.map((page) => ({
          ...page,
          items: page.items.map((item) => (item.id === conversation.id ? conversation : item)),
        }));
        return { ...data, pages };
      },
    );
    if (
      conversation.status === "escalated" &&
      conversation.case &&
      !this.announcedCases.has(conversation.id)
    ) {
      this.announcedCases.add(conversation.id);
      this.say(i18next.t("live.escalated", { number: conversation.case.number }));
    }
  }

  // --- opening a conversation ---------------------------------------------------------------------------------

  /** Show a conversation: load its history once (however many components ask), then follow it live. */
  open(conversationId: string): () => void {
    this.openCount.set(conversationId, (this.openCount.get(conversationId) ?? 0) + 1);
    this.followed.add(conversationId);
    void this.loadHistory(conversationId);
    return () => {
      const count = (this.openCount.get(conversationId) ?? 1) - 1;
      if (count <= 0) this.openCount.delete(conversationId);
      else this.openCount.set(conversationId, count);
    };
  }

  loadHistory(conversationId: string): Promise<void> {
    const status = this.store.getState().chat.byId[conversationId]?.history ?? "idle";
    if (status === "loaded") {
      this.socket.watch(conversationId, this.lastSeq(conversationId));
      return Promise.resolve();
    }
    let load = this.historyLoads.get(conversationId);
    if (!load) {
      load = this.fetchHistory(conversationId).finally(() => this.historyLoads.delete(conversationId));
      this.historyLoads.set(conversationId, load);
    }
    return load;
  }

  private lastSeq(conversationId: string): number {
    return this.store.getState().chat.byId[conversationId]?.lastSeq ?? 0;
  }

  /** The contract pages forward only (after_seq), so history is read from the start until has_more is false. */
  private async fetchHistory(conversationId: string): Promise<void> {
    const { dispatch } = this.store;
    dispatch(historyLoading(conversationId));
    try {
      for (;;) {
        const page = await this.api.listMessages(conversationId, {
          after_seq: this.lastSeq(conversationId),
          limit: HISTORY_PAGE,
        });
        dispatch(messagesReceived({ conversationId, messages: page.items }));
        if (!page.has_more || page.items.length === 0) break;
      }
      dispatch(historyLoaded(conversationId));
    } catch {
      dispatch(historyFailed(conversationId));
    }
    // Live from here; the subscription's replay also fills anything a failed load missed.
    this.socket.watch(conversationId, this.lastSeq(conversationId));
  }

  // --- sending --------------------------------------------------------------------------------------------------

  /**
   * Optimistic: the user's message is in the store before this returns. Without a conversation, one is created
   * first (in the UI language) and `onCreated` learns its id.
   */
  send(conversationId: string | null, content: string, onCreated?: (id: string) => void): string {
    const clientMessageId = newClientMessageId();
    const createdAt = new Date().toISOString();
    this.store.dispatch(
      outboxAdded({ conversationId: conversationId ?? DRAFT_KEY, clientMessageId, content, createdAt }),
    );
    if (conversationId) this.transmit(conversationId, clientMessageId, content);
    else void this.sendFromDraft(clientMessageId, content, onCreated);
    return clientMessageId;
  }

  private transmit(conversationId: string, clientMessageId: string, content: string): void {
    this.sentHere.add(clientMessageId);
    this.followed.add(conversationId);
    if (!this.socket.isWatching(conversationId))
      this.socket.watch(conversationId, this.lastSeq(conversationId));
    this.socket.send({
      type: "message.send",
      conversation_id: conversationId,
      client_message_id: clientMessageId,
      content,
    });
  }

  private async sendFromDraft(clientMessageId: string, content: string, onCreated?: (id: string) => void) {
    const first = this.creating === null;
    try {
      this.creating ??= this.createConversation();
      const id = await this.creating;
      this.transmit(id, clientMessageId, content);
      if (first) onCreated?.(id);
    } catch (error) {
      const code = error instanceof ApiError ? error.code : "network";
      this.store.dispatch(sendFailed({ clientMessageId, error: { code, message: errorMessage(error) } }));
      this.say(i18next.t("live.sendFailed", { reason: errorMessage(error) }));
    } finally {
      if (first) this.creating = null;
    }
  }

  private async createConversation(): Promise<string> {
    const conversation = await this.api.createConversation({ language: this.store.getState().ui.language });
    this.store.dispatch(historyLoaded(conversation.id));
    this.store.dispatch(draftPromoted(conversation.id));
    this.applyConversation(conversation);
    this.socket.watch(conversation.id, 0);
    return conversation.id;
  }

  /** Send a failed message again with the same client_message_id: the server stores it at most once. */
  retry(clientMessageId: string, onCreated?: (id: string) => void): void {
    const state = this.store.getState().chat;
    for (const [key, chat] of Object.entries(state.byId)) {
      const entry = chat.outbox[clientMessageId];
      if (!entry) continue;
      this.store.dispatch(sendRetried(clientMessageId));
      if (key === DRAFT_KEY) void this.sendFromDraft(clientMessageId, entry.content, onCreated);
      else this.transmit(key, clientMessageId, entry.content);
      return;
    }
  }

  stopWaiting(conversationKey: string): void {
    this.store.dispatch(waitingStopped(conversationKey));
  }

  async rate(conversationId: string, messageId: string, rating: Rating): Promise<void> {
    const before = this.store.getState().chat.byId[conversationId]?.ratings[messageId] ?? null;
    this.store.dispatch(rated({ conversationId, messageId, rating }));
    try {
      await this.api.feedback(conversationId, messageId, rating);
    } catch (error) {
      this.store.dispatch(rated({ conversationId, messageId, rating: before }));
      throw error;
    }
  }

  async escalate(conversationId: string, reason?: string): Promise<void> {
    this.applyConversation(await this.api.escalate(conversationId, reason));
  }

  async close(conversationId: string): Promise<void> {
    this.applyConversation(await this.api.close(conversationId));
  }

  /** Sign-out: forget everything this tab knew. */
  reset(): void {
    this.openCount.clear();
    this.historyLoads.clear();
    this.liveReplies.clear();
    this.announced.clear();
    this.sentHere.clear();
    this.followed.clear();
    this.announcedCases.clear();
    this.creating = null;
    this.store.dispatch(chatCleared());
  }
}
