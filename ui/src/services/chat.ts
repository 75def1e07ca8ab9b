// The live conversation outside React, behind one facade the hooks and the composition root use. Each concern has
// its own module: history over REST (chatHistory), optimistic sends (chatSender), the live-region announcements
// (chatAnnouncer), the query caches (chatCache) and the wire helpers (chatWire). This module routes socket events
// to them and holds the small conversation actions (rate, escalate, close).
import type { QueryClient } from "@tanstack/react-query";
import type { ServerEvent } from "../api/generated/ws-frames";
import type { AppStore } from "../store";
import {
  chatCleared,
  deltaReceived,
  messagesReceived,
  rated,
  sendAcked,
  streamReset,
  typingChanged,
  waitingStopped,
  type Rating,
} from "../store/slices/conversationSlice";
import { codeMessage, type Api, type Conversation } from "./api";
import { ChatAnnouncer } from "./chatAnnouncer";
import { cacheConversation } from "./chatCache";
import { ChatHistory } from "./chatHistory";
import { ChatSender } from "./chatSender";
import { fromWire } from "./chatWire";
import type { ChatSocket } from "./websocket";

export { newClientMessageId } from "./chatWire";

export interface ChatServiceOptions {
  store: AppStore;
  api: Api;
  socket: ChatSocket;
  queryClient: QueryClient;
}

export class ChatService {
  private readonly store: AppStore;
  private readonly api: Api;
  private readonly queryClient: QueryClient;
  private readonly announcer: ChatAnnouncer;
  private readonly history: ChatHistory;
  private readonly sender: ChatSender;

  constructor(options: ChatServiceOptions) {
    const { store, api, socket } = options;
    this.store = store;
    this.api = api;
    this.queryClient = options.queryClient;
    this.announcer = new ChatAnnouncer(store);
    this.history = new ChatHistory(store, api, socket);
    this.sender = new ChatSender({
      store,
      api,
      socket,
      history: this.history,
      announcer: this.announcer,
      onConversation: (conversation) => {
        this.applyConversation(conversation);
      },
    });
    socket.onEvent((event) => {
      this.handle(event);
    });
    socket.subscribe(() => {
      this.announcer.connectionChanged(socket.getSnapshot().state);
    });
  }

  /** One server event into the store (and the announcer, the caches or the sender, where it concerns them). */
  handle(event: ServerEvent): void {
    const { dispatch } = this.store;
    switch (event.type) {
      case "message.ack":
        dispatch(
          sendAcked({ conversationId: event.message.conversation_id, message: fromWire(event.message) }),
        );
        break;
      case "message":
        this.announcer.received(fromWire(event.message), (message) =>
          dispatch(messagesReceived({ conversationId: message.conversation_id, messages: [message] })),
        );
        break;
      case "assistant.delta":
        this.announcer.replyStreaming(event.message_id);
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
          this.sender.failed(event.client_message_id, event.code, codeMessage(event.code));
        break;
      default:
        break;
    }
  }

  /** A conversation changed (socket event or a REST answer): update every cache, announce a hand-off once. */
  applyConversation(conversation: Conversation): void {
    cacheConversation(this.queryClient, conversation);
    this.announcer.conversationChanged(conversation);
  }

  /** Show a conversation: load its history once (however many components ask), then follow it live. */
  open(conversationId: string): () => void {
    this.announcer.follow(conversationId);
    return this.history.open(conversationId);
  }

  loadHistory(conversationId: string): Promise<void> {
    return this.history.load(conversationId);
  }

  /**
   * Optimistic: the user's message is in the store before this returns. Without a conversation, one is created
   * first (in the UI language) and `onCreated` learns its id.
   */
  send(conversationId: string | null, content: string, onCreated?: (id: string) => void): string {
    return this.sender.send(conversationId, content, onCreated);
  }

  /** Send a failed message again with the same client_message_id: the server stores it at most once. */
  retry(clientMessageId: string, onCreated?: (id: string) => void): void {
    this.sender.retry(clientMessageId, onCreated);
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
    this.history.reset();
    this.announcer.reset();
    this.sender.reset();
    this.store.dispatch(chatCleared());
  }
}
