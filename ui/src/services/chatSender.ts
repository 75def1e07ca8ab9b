// Sending, optimistically: the user's message is in the store (the outbox, keyed by client_message_id) before
// anything leaves the tab. A first message without a conversation waits under the draft key while one is
// created; a failed send keeps its text and its id, so a retry is stored at most once by the server.
import type { AppStore } from "../store";
import {
  DRAFT_KEY,
  draftPromoted,
  historyLoaded,
  outboxAdded,
  sendFailed,
  sendRetried,
} from "../store/slices/conversationSlice";
import { ApiError, errorMessage, type Api, type Conversation } from "./api";
import type { ChatAnnouncer } from "./chatAnnouncer";
import type { ChatHistory } from "./chatHistory";
import { newClientMessageId } from "./chatWire";
import type { ChatSocket } from "./websocket";

export interface ChatSenderOptions {
  store: AppStore;
  api: Api;
  socket: ChatSocket;
  history: ChatHistory;
  announcer: ChatAnnouncer;
  /** A conversation this sender created: every cache learns it. */
  onConversation: (conversation: Conversation) => void;
}

export class ChatSender {
  private readonly options: ChatSenderOptions;
  private creating: Promise<string> | null = null;

  constructor(options: ChatSenderOptions) {
    this.options = options;
  }

  /** Returns the new message's client_message_id; `onCreated` learns the id of a conversation made for it. */
  send(conversationId: string | null, content: string, onCreated?: (id: string) => void): string {
    const clientMessageId = newClientMessageId();
    const createdAt = new Date().toISOString();
    this.options.store.dispatch(
      outboxAdded({ conversationId: conversationId ?? DRAFT_KEY, clientMessageId, content, createdAt }),
    );
    if (conversationId) this.transmit(conversationId, clientMessageId, content);
    else void this.sendFromDraft(clientMessageId, content, onCreated);
    return clientMessageId;
  }

  /** Send a failed message again with the same client_message_id: the server stores it at most once. */
  retry(clientMessageId: string, onCreated?: (id: string) => void): void {
    const state = this.options.store.getState().chat;
    for (const [key, chat] of Object.entries(state.byId)) {
      const entry = chat.outbox[clientMessageId];
      if (!entry) continue;
      this.options.store.dispatch(sendRetried(clientMessageId));
      if (key === DRAFT_KEY) void this.sendFromDraft(clientMessageId, entry.content, onCreated);
      else this.transmit(key, clientMessageId, entry.content);
      return;
    }
  }

  /** The server refused a send (an `error` event naming its client_message_id). */
  failed(clientMessageId: string, code: string, message: string): void {
    this.options.socket.forget(clientMessageId);
    this.options.store.dispatch(sendFailed({ clientMessageId, error: { code, message } }));
    this.options.announcer.sendFailed(message);
  }

  reset(): void {
    this.creating = null;
  }

  private transmit(conversationId: string, clientMessageId: string, content: string): void {
    const { socket, history, announcer } = this.options;
    announcer.sentFromHere(conversationId, clientMessageId);
    if (!socket.isWatching(conversationId)) socket.watch(conversationId, history.lastSeq(conversationId));
    socket.send({
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
      this.options.store.dispatch(
        sendFailed({ clientMessageId, error: { code, message: errorMessage(error) } }),
      );
      this.options.announcer.sendFailed(errorMessage(error));
    } finally {
      if (first) this.creating = null;
    }
  }

  /** Created in the UI language; the draft's outbox moves to it. */
  private async createConversation(): Promise<string> {
    const { store, api, socket } = this.options;
    const conversation = await api.createConversation({ language: store.getState().ui.language });
    store.dispatch(historyLoaded(conversation.id));
    store.dispatch(draftPromoted(conversation.id));
    this.options.onConversation(conversation);
    socket.watch(conversation.id, 0);
    return conversation.id;
  }
}
