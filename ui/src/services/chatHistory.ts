// A conversation's stored history, loaded over REST once however many components open it, then followed live on
// the socket from the last seq the store holds.
import type { AppStore } from "../store";
import {
  historyFailed,
  historyLoaded,
  historyLoading,
  messagesReceived,
} from "../store/slices/conversationSlice";
import type { Api } from "./api";
import type { ChatSocket } from "./websocket";

const HISTORY_PAGE = 100;

export class ChatHistory {
  private readonly store: AppStore;
  private readonly api: Api;
  private readonly socket: ChatSocket;
  private readonly openCount = new Map<string, number>();
  private readonly loads = new Map<string, Promise<void>>();

  constructor(store: AppStore, api: Api, socket: ChatSocket) {
    this.store = store;
    this.api = api;
    this.socket = socket;
  }

  /** Counts one more viewer of the conversation and loads it; the returned function counts the viewer out. */
  open(conversationId: string): () => void {
    this.openCount.set(conversationId, (this.openCount.get(conversationId) ?? 0) + 1);
    void this.load(conversationId);
    return () => {
      const count = (this.openCount.get(conversationId) ?? 1) - 1;
      if (count <= 0) this.openCount.delete(conversationId);
      else this.openCount.set(conversationId, count);
    };
  }

  load(conversationId: string): Promise<void> {
    const status = this.store.getState().chat.byId[conversationId]?.history ?? "idle";
    if (status === "loaded") {
      this.socket.watch(conversationId, this.lastSeq(conversationId));
      return Promise.resolve();
    }
    let load = this.loads.get(conversationId);
    if (!load) {
      load = this.fetch(conversationId).finally(() => this.loads.delete(conversationId));
      this.loads.set(conversationId, load);
    }
    return load;
  }

  lastSeq(conversationId: string): number {
    return this.store.getState().chat.byId[conversationId]?.lastSeq ?? 0;
  }

  /** The contract pages forward only (after_seq), so history is read from the start until has_more is false. */
  private async fetch(conversationId: string): Promise<void> {
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

  reset(): void {
    this.openCount.clear();
    this.loads.clear();
  }
}
