// The one WebSocket connection manager, owned outside React. It authenticates with a first `auth` frame (the token
// never goes into a URL), checks the line with pings, reconnects with exponential backoff and full jitter, follows
// the browser's online/offline events, re-subscribes every watched conversation from the last seq it holds, re-sends
// unacknowledged messages with the same client_message_id (the server makes that idempotent), and drops repeated
// events, so across a drop no message is lost or shown twice.
import type { ClientFrame, SendFrame, ServerEvent } from "../api/generated/ws-frames";
import { browserTimers, type Timers } from "./timers";

export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "offline";

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** Epoch milliseconds of the next reconnection attempt, while one is scheduled. */
  nextRetryAt: number | null;
}

export const PING_INTERVAL_MS = 25_000;
export const PONG_TIMEOUT_MS = 10_000;
export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_RESTARTING = 1012;
/**
 * Conversations followed at once. The server caps a socket's subscriptions (`chat.ws_max_subscriptions`, default 50);
 * past this many the least recently opened one without unsent messages is unsubscribed (opening it again resumes
 * it from the last seq held, so nothing is missed).
 */
export const MAX_WATCHED = 20;
const CLOSE_NORMAL = 1000;

/** The part of the browser WebSocket the manager uses; tests pass a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface SocketAuth {
  getAccessToken(): string | null;
  refresh(): Promise<boolean>;
}

export interface ChatSocketOptions {
  url: string;
  auth: SocketAuth;
  WebSocket?: WebSocketConstructor;
  timers?: Timers;
  random?: () => number;
  /** Where `online` and `offline` events come from (the window). */
  events?: EventTarget | null;
  isOnline?: () => boolean;
  /** The last seq the app holds for a conversation (history loaded over REST counts too). */
  getLastSeq?: (conversationId: string) => number;
}

const OPEN = 1;

export class ChatSocket {
  private readonly options: ChatSocketOptions;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly WebSocketImpl: WebSocketConstructor;
  private ws: WebSocketLike | null = null;
  private snapshot: ConnectionSnapshot = { state: "idle", nextRetryAt: null };
  private running = false;
  /** The socket answered at least once since `start()`: later connections are "reconnecting". */
  private everOpened = false;
  /** The server answered on this connection (its first frame arrived): the connection is "open". */
  private confirmed = false;
  /** The auth frame went: other frames may follow, the server reads them after it. */
  private authSent = false;
  private attempts = 0;
  private authFailures = 0;
  private retryTimer: number | null = null;
  private pingTimer: number | null = null;
  private pongTimer: number | null = null;
  private readonly watched = new Set<string>();
  private readonly lastSeq = new Map<string, number>();
  /** Sends not yet acknowledged, in the order they were made. */
  private readonly outbox = new Map<string, SendFrame>();
  private readonly seenMessages = new Map<string, string>();
  private readonly seenDeltas = new Map<string, Set<number>>();
  private readonly stateListeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: ServerEvent) => void>();

  constructor(options: ChatSocketOptions) {
    this.options = options;
    this.timers = options.timers ?? browserTimers;
    this.random = options.random ?? Math.random;
    this.WebSocketImpl = options.WebSocket ?? WebSocket;
    const events = options.events === undefined ? window : options.events;
    events?.addEventListener("online", this.handleOnline);
    events?.addEventListener("offline", this.handleOffline);
  }

  // --- what React reads ------------------------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  getSnapshot = (): ConnectionSnapshot => this.snapshot;

  onEvent(listener: (event: ServerEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  // --- commands ----------------------------------------------------------------------------------------------

  start(): void {
    if (this.running) return;
    this.running = true;
    this.everOpened = false;
    this.attempts = 0;
    if (this.isOnline()) this.connect();
    else this.setState("offline");
  }

  /** Sign-out: close, forget every conversation and pending send. */
  stop(): void {
    this.running = false;
    this.teardown();
    this.clearRetry();
    this.watched.clear();
    this.lastSeq.clear();
    this.outbox.clear();
    this.seenMessages.clear();
    this.seenDeltas.clear();
    this.setState("idle");
  }

  /** Receive the events of a conversation from `afterSeq` on, now and after every reconnect. */
  watch(conversationId: string, afterSeq = 0): void {
    this.noteSeq(conversationId, afterSeq);
    const fresh = !this.watched.has(conversationId);
    this.watched.delete(conversationId); // re-inserted last: the Set's order is the order of last use
    this.watched.add(conversationId);
    if (fresh && this.isReady()) this.transmit(this.subscribeFrame(conversationId));
    if (fresh) this.forgetOldest();
  }

  /** Stop following the least recently watched conversations beyond MAX_WATCHED, never one with unsent messages. */
  private forgetOldest(): void {
    const pending = new Set([...this.outbox.values()].map((frame) => frame.conversation_id));
    for (const conversationId of this.watched) {
      if (this.watched.size <= MAX_WATCHED) return;
      if (pending.has(conversationId)) continue;
      this.watched.delete(conversationId);
      if (this.isReady()) this.transmit({ type: "unsubscribe", conversation_id: conversationId });
    }
  }

  isWatching(conversationId: string): boolean {
    return this.watched.has(conversationId);
  }

  /** Queue a message; it goes now if the socket is open, else as soon as it is, until acknowledged. */
  send(frame: SendFrame): void {
    this.outbox.set(frame.client_message_id, frame);
    if (this.isReady()) this.transmit(frame);
  }

  /** Stop re-sending a message (the server refused it; the user may retry). */
  forget(clientMessageId: string): void {
    this.outbox.delete(clientMessageId);
  }

  pending(): string[] {
    return [...this.outbox.keys()];
  }

  /** Typing is best effort: never queued. */
  typing(conversationId: string, state: "start" | "stop"): void {
    if (this.isReady()) this.transmit({ type: "typing", conversation_id: conversationId, state });
  }

  reconnectNow = (): void => {
    // A socket that exists is open or on its way: no second one.
    if (!this.running || this.ws !== null) return;
    this.clearRetry();
    this.attempts = 0;
    this.connect();
  };

  dispose(): void {
    this.stop();
    const events = this.options.events === undefined ? window : this.options.events;
    events?.removeEventListener("online", this.handleOnline);
    events?.removeEventListener("offline", this.handleOffline);
  }

  // --- connection ------------------------------------------------------------------------------------------

  private isOnline(): boolean {
    return this.options.isOnline ? this.options.isOnline() : navigator.onLine;
  }

  private isReady(): boolean {
    return this.ws !== null && this.ws.readyState === OPEN && this.authSent;
  }

  private setState(state: ConnectionState, nextRetryAt: number | null = null): void {
    if (this.snapshot.state === state && this.snapshot.nextRetryAt === nextRetryAt) return;
    this.snapshot = { state, nextRetryAt };
    for (const listener of this.stateListeners) listener();
  }

  private connect(): void {
    this.teardown();
    const token = this.options.auth.getAccessToken();
    if (!token) {
      void this.refreshThenConnect();
      return;
    }
    this.setState(this.everOpened ? "reconnecting" : "connecting");
    const ws = new this.WebSocketImpl(this.options.url);
    this.ws = ws;
    ws.onopen = () => {
      this.authSent = true;
      ws.send(JSON.stringify({ type: "auth", token }));
      for (const conversationId of this.watched) this.transmit(this.subscribeFrame(conversationId));
      for (const frame of this.outbox.values()) this.transmit(frame);
      this.ping();
      this.pingTimer = this.timers.setInterval(() => {
        this.ping();
      }, PING_INTERVAL_MS);
    };
    ws.onmessage = (event) => {
      this.received(event.data);
    };
    ws.onclose = (event) => {
      this.closed(event.code);
    };
    ws.onerror = () => {
      // A close event follows; reconnection is decided there.
    };
  }

  private async refreshThenConnect(): Promise<void> {
    this.setState(this.everOpened ? "reconnecting" : "connecting");
    const ok = await this.options.auth.refresh();
    if (!this.running) return;
    if (ok) this.connect();
    else this.stop();
  }

  private subscribeFrame(conversationId: string): ClientFrame {
    const held = Math.max(
      this.lastSeq.get(conversationId) ?? 0,
      this.options.getLastSeq?.(conversationId) ?? 0,
    );
    return { type: "subscribe", conversation_id: conversationId, after_seq: held };
  }

  private transmit(frame: ClientFrame): void {
    this.ws?.send(JSON.stringify(frame));
  }

  private ping(): void {
    this.transmit({ type: "ping" });
    this.pongTimer ??= this.timers.setTimeout(() => {
      this.pongTimer = null;
      // A dead line may never deliver a close event: give up on it and reconnect.
      this.teardown();
      this.scheduleRetry();
    }, PONG_TIMEOUT_MS);
  }

  /** Detach and close the current socket; its close event no longer matters. */
  private teardown(): void {
    this.clearHeartbeat();
    this.confirmed = false;
    this.authSent = false;
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = null;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    try {
      ws.close(CLOSE_NORMAL);
    } catch {
      // Already closing.
    }
  }

  private clearHeartbeat(): void {
    if (this.pingTimer !== null) this.timers.clearInterval(this.pingTimer);
    if (this.pongTimer !== null) this.timers.clearTimeout(this.pongTimer);
    this.pingTimer = null;
    this.pongTimer = null;
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private closed(code: number): void {
    this.ws = null;
    this.clearHeartbeat();
    this.confirmed = false;
    this.authSent = false;
    if (!this.running) return;
    if (!this.isOnline()) {
      this.setState("offline");
    } else if (code === CLOSE_UNAUTHORIZED && this.authFailures < 2) {
      this.authFailures += 1;
      void this.refreshThenConnect();
    } else if (code === CLOSE_RESTARTING) {
      this.scheduleRetry(0);
    } else {
      this.scheduleRetry();
    }
  }

  private scheduleRetry(delay?: number): void {
    this.clearRetry();
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempts);
    const wait = delay ?? Math.floor(this.random() * ceiling);
    this.attempts += 1;
    this.setState(this.everOpened ? "reconnecting" : "connecting", this.timers.now() + wait);
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, wait);
  }

  private readonly handleOnline = (): void => {
    if (!this.running) return;
    this.clearRetry();
    this.attempts = 0;
    this.connect();
  };

  private readonly handleOffline = (): void => {
    if (!this.running) return;
    this.teardown();
    this.clearRetry();
    this.setState("offline");
  };

  // --- incoming ----------------------------------------------------------------------------------------------

  private received(data: unknown): void {
    if (typeof data !== "string") return;
    let event: ServerEvent;
    try {
      event = JSON.parse(data) as ServerEvent;
    } catch {
      return;
    }
    if (this.pongTimer !== null) this.timers.clearTimeout(this.pongTimer);
    this.pongTimer = null;
    if (!this.confirmed) {
      this.confirmed = true;
      this.everOpened = true;
      this.attempts = 0;
      this.authFailures = 0;
      this.setState("open");
    }
    if (event.type === "pong") return;
    if (this.isRepeat(event)) return;
    for (const listener of this.eventListeners) listener(event);
  }

  private noteSeq(conversationId: string, seq: number): void {
    this.lastSeq.set(conversationId, Math.max(this.lastSeq.get(conversationId) ?? 0, seq));
  }

  /** Replays and second deliveries: a message already seen in the same state, a delta already seen. */
  private isRepeat(event: ServerEvent): boolean {
    switch (event.type) {
      case "message.ack": {
        this.outbox.delete(event.client_message_id);
        this.noteSeq(event.message.conversation_id, event.message.seq);
        this.seenMessages.set(event.message.id, event.message.status);
        return false;
      }
      case "message": {
        const { id, status, seq, conversation_id } = event.message;
        const seen = this.seenMessages.get(id);
        if (seen === status || (seen !== undefined && seen !== "streaming" && status === "streaming"))
          return true;
        this.seenMessages.set(id, status);
        if (status !== "streaming") this.seenDeltas.delete(id);
        if (event.message.client_message_id) this.outbox.delete(event.message.client_message_id);
        this.noteSeq(conversation_id, seq);
        return false;
      }
      case "assistant.delta": {
        const seen = this.seenMessages.get(event.message_id);
        if (seen !== undefined && seen !== "streaming") return true;
        let indexes = this.seenDeltas.get(event.message_id);
        if (!indexes) {
          indexes = new Set();
          this.seenDeltas.set(event.message_id, indexes);
        }
        if (indexes.has(event.index)) return true;
        indexes.add(event.index);
        return false;
      }
      case "assistant.reset": {
        // Another engine answers afresh from index 0: its deltas are new, not repeats.
        this.seenDeltas.delete(event.message_id);
        return false;
      }
      case "error": {
        if (event.client_message_id) this.outbox.delete(event.client_message_id);
        return false;
      }
      default:
        return false;
    }
  }
}
