// A fake WebSocket and a small chat server behind it, speaking the contract's frames from a FakeBackend.
// Inject `server.WebSocket` into the services (renderWithProviders does). Events reach the client in microtasks,
// in order, like a real socket's: `await settle()` lets them land.
import type { ClientFrame, ServerEvent } from "../api/generated/ws-frames";
import type { WebSocketConstructor, WebSocketLike } from "../services/websocket";
import type { FakeBackend, ReplyScript } from "./backend";

/** Let queued socket events and promise callbacks run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await Promise.resolve();
}

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  /** Every frame the client sent, parsed. */
  readonly sent: ClientFrame[] = [];
  readonly subscriptions = new Set<string>();
  authenticated = false;
  closedByClient: number | null = null;

  constructor(
    readonly url: string,
    private readonly server: FakeChatServer,
  ) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    const frame = JSON.parse(data) as ClientFrame;
    this.sent.push(frame);
    this.server.receive(this, frame);
  }

  close(code = 1000): void {
    if (this.readyState >= 2) return;
    this.closedByClient = code;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.(new CloseEvent("close", { code, wasClean: true })));
  }

  /** Server side: accept the connection. */
  open(): void {
    if (this.readyState !== 0) return;
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  /** Server side: deliver one event (in a microtask, after those queued before it). */
  emit(event: ServerEvent): void {
    queueMicrotask(() => {
      if (this.readyState === 1)
        this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(event) }));
    });
  }

  /** Server side: the line drops (1006), or the server closes with a code (4401, 1012). */
  drop(code = 1006): void {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code, wasClean: code !== 1006 }));
  }

  framesOf<T extends ClientFrame["type"]>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((frame): frame is Extract<ClientFrame, { type: T }> => frame.type === type);
  }
}

export interface FakeChatServerOptions {
  /** Accept new connections at once (default); false: call `socket.open()` yourself. */
  autoOpen?: boolean;
  /** Stream the assistant's reply right after the ack (default); false: call `streamReply` yourself. */
  autoReply?: boolean;
}

export class FakeChatServer {
  readonly sockets: FakeSocket[] = [];
  autoOpen: boolean;
  autoReply: boolean;
  /** A stuck server: frames after `auth` get no answer (for "still sending" states). */
  ignoreFrames = false;
  /** Replies stored but not streamed yet (with autoReply false), oldest first. */
  readonly pendingReplies: { conversationId: string; replyId: string }[] = [];
  readonly WebSocket: WebSocketConstructor;

  constructor(
    readonly backend: FakeBackend,
    options: FakeChatServerOptions = {},
  ) {
    this.autoOpen = options.autoOpen ?? true;
    this.autoReply = options.autoReply ?? true;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the constructor below needs this server
    const server = this;
    this.WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(url, server);
        server.sockets.push(this);
        if (server.autoOpen) {
          queueMicrotask(() => {
            this.open();
          });
        }
      }
    };
  }

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }

  get open(): FakeSocket[] {
    return this.sockets.filter((socket) => socket.readyState === 1);
  }

  receive(socket: FakeSocket, frame: ClientFrame): void {
    if (!socket.authenticated) {
      if (frame.type === "auth" && this.backend.accessTokens.has(frame.token)) socket.authenticated = true;
      else
        queueMicrotask(() => {
          socket.drop(4401);
        });
      return;
    }
    if (this.ignoreFrames) return;
    switch (frame.type) {
      case "ping":
        socket.emit({ type: "pong" });
        break;
      case "subscribe": {
        socket.subscriptions.add(frame.conversation_id);
        for (const message of this.backend.messagesOf(frame.conversation_id)) {
          if (message.seq > (frame.after_seq ?? 0)) socket.emit({ type: "message", message: { ...message } });
        }
        break;
      }
      case "unsubscribe":
        socket.subscriptions.delete(frame.conversation_id);
        break;
      case "message.send": {
        const { message, reply, created } = this.backend.submit(
          frame.conversation_id,
          frame.client_message_id,
          frame.content,
        );
        socket.emit({ type: "message.ack", client_message_id: frame.client_message_id, message });
        if (created) {
          this.publish(frame.conversation_id, { type: "message", message }, socket);
          if (this.autoReply) this.streamReply(frame.conversation_id, reply.id);
          else this.pendingReplies.push({ conversationId: frame.conversation_id, replyId: reply.id });
        } else if (reply.status !== "streaming") {
          socket.emit({ type: "message", message: reply });
        }
        break;
      }
      default:
        break;
    }
  }

  /** Send an event to every open socket subscribed to the conversation (but `except`). */
  publish(conversationId: string, event: ServerEvent, except?: FakeSocket): void {
    for (const socket of this.open) {
      if (socket !== except && socket.authenticated && socket.subscriptions.has(conversationId))
        socket.emit(event);
    }
  }

  /** Stream deltas `from`..`to` (exclusive) of a reply; past the last delta, store and publish the final message. */
  streamReply(
    conversationId: string,
    replyId: string,
    script: ReplyScript = this.backend.reply,
    range: { from?: number; to?: number } = {},
  ): void {
    const from = range.from ?? 0;
    const to = range.to ?? script.deltas.length;
    if (from === 0)
      this.publish(conversationId, {
        type: "assistant.typing",
        conversation_id: conversationId,
        state: "start",
      });
    for (let index = from; index < Math.min(to, script.deltas.length); index += 1) {
      this.publish(conversationId, {
        type: "assistant.delta",
        conversation_id: conversationId,
        message_id: replyId,
        index,
        delta: script.deltas[index] ?? "",
      });
    }
    if (to < script.deltas.length) return;
    const message = this.backend.finish(replyId, script);
    this.publish(conversationId, {
      type: "assistant.typing",
      conversation_id: conversationId,
      state: "stop",
    });
    this.publish(conversationId, { type: "message", message });
    if (message.status === "failed") {
      this.publish(conversationId, {
        type: "error",
        code: "reply_failed",
        message: "The assistant could not finish its reply.",
        client_message_id: null,
      });
    }
  }

  /** Stream the oldest held reply completely. */
  releaseReply(script?: ReplyScript): void {
    const next = this.pendingReplies.shift();
    if (!next) throw new Error("no reply is waiting");
    this.streamReply(next.conversationId, next.replyId, script);
  }
}
