import { afterEach, describe, expect, test, vi } from "vitest";
import type { ServerEvent } from "../api/generated/ws-frames";
import { FakeBackend } from "../testing/backend";
import { FakeChatServer, settle } from "../testing/fakeSocket";
import { makeExchange, makeMessage } from "../testing/fixtures";
import { ManualTimers } from "../testing/manualTimers";
import { ChatSocket, MAX_WATCHED, type SocketAuth } from "./websocket";

function setup(options: { random?: () => number; online?: boolean; auth?: Partial<SocketAuth> } = {}) {
  const backend = new FakeBackend();
  const session = backend.signedIn();
  let token: string | null = session.access_token;
  const server = new FakeChatServer(backend, { autoOpen: true, autoReply: false });
  const timers = new ManualTimers();
  const events = new EventTarget();
  let online = options.online ?? true;
  const refresh = vi.fn(() => {
    token = backend.issueSession().access_token;
    return Promise.resolve(true);
  });
  const auth: SocketAuth = { getAccessToken: () => token, refresh, ...options.auth };
  const socket = new ChatSocket({
    url: "ws://localhost/api/v1/ws",
    auth,
    WebSocket: server.WebSocket,
    timers,
    random: options.random ?? (() => 1),
    events,
    isOnline: () => online,
  });
  const received: ServerEvent[] = [];
  socket.onEvent((event) => received.push(event));
  const states: string[] = [];
  socket.subscribe(() => states.push(socket.getSnapshot().state));
  return {
    backend,
    server,
    timers,
    events,
    refresh,
    socket,
    received,
    states,
    setOnline(value: boolean) {
      online = value;
      events.dispatchEvent(new Event(value ? "online" : "offline"));
    },
    expireToken() {
      backend.accessTokens.clear();
    },
  };
}

let active: ChatSocket | null = null;
afterEach(() => {
  active?.dispose();
  active = null;
});

describe("ChatSocket", () => {
  test("authenticates with a first frame, keeps the token out of the URL, and is open once the server answers", async () => {
    const t = setup();
    active = t.socket;
    expect(t.socket.getSnapshot().state).toBe("idle");
    t.socket.start();
    expect(t.socket.getSnapshot().state).toBe("connecting");
    await settle();
    const ws = t.server.last;
    expect(ws.url).toBe("ws://localhost/api/v1/ws");
    expect(ws.url).not.toContain("access");
    expect(ws.sent[0]).toEqual({ type: "auth", token: "access-1" });
    expect(ws.sent[1]).toEqual({ type: "ping" });
    expect(t.socket.getSnapshot()).toEqual({ state: "open", nextRetryAt: null });
    expect(t.states).toEqual(["connecting", "open"]);
    // Pongs are the manager's business, not the app's.
    expect(t.received).toEqual([]);
  });

  test("pings every 25 s and reconnects when no pong comes within 10 s", async () => {
    const t = setup({ random: () => 0 });
    active = t.socket;
    t.socket.start();
    await settle();
    const first = t.server.last;
    t.timers.advance(25_000);
    expect(first.framesOf("ping")).toHaveLength(2);
    await settle(); // pong arrives
    t.timers.advance(25_000);
    expect(first.framesOf("ping")).toHaveLength(3);
    // The line goes silent: no pong.
    first.readyState = 3;
    t.timers.advance(9_999);
    expect(t.socket.getSnapshot().state).toBe("open");
    t.timers.advance(1);
    expect(t.socket.getSnapshot().state).toBe("reconnecting");
    t.timers.advance(0);
    await settle();
    expect(t.server.sockets).toHaveLength(2);
    expect(t.socket.getSnapshot().state).toBe("open");
  });

  test("backs off exponentially with full jitter, capped at 30 s", () => {
    const t = setup({ random: () => 0.999999 });
    active = t.socket;
    t.server.autoOpen = false;
    t.socket.start();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      t.server.last.drop(1006);
      const next = t.socket.getSnapshot().nextRetryAt;
      if (next === null) throw new Error("no retry scheduled");
      delays.push(next - t.timers.now());
      t.timers.advance(next - t.timers.now());
    }
    expect(delays).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999]);
    expect(t.socket.getSnapshot().state).toBe("connecting");
    // Full jitter: the wait is random() times the ceiling.
    const u = setup({ random: () => 0.25 });
    u.server.autoOpen = false;
    u.socket.start();
    u.server.last.drop(1006);
    u.server.last.readyState = 3;
    expect((u.socket.getSnapshot().nextRetryAt ?? 0) - u.timers.now()).toBe(125);
    u.socket.dispose();
  });

  test("a successful connection resets the backoff; reconnectNow skips the wait", async () => {
    const t = setup({ random: () => 1 });
    active = t.socket;
    t.socket.start();
    await settle();
    t.server.last.drop(1006);
    expect(t.socket.getSnapshot()).toMatchObject({ state: "reconnecting" });
    expect(t.socket.getSnapshot().nextRetryAt).toBe(t.timers.now() + 500);
    t.socket.reconnectNow();
    await settle();
    expect(t.socket.getSnapshot()).toEqual({ state: "open", nextRetryAt: null });
    t.server.last.drop(1006);
    expect(t.socket.getSnapshot().nextRetryAt).toBe(t.timers.now() + 500);
    t.socket.reconnectNow();
    t.socket.reconnectNow(); // already connecting: no second socket
    await settle();
    expect(t.server.sockets).toHaveLength(3);
  });

  test("goes offline on the offline event and reconnects at once when back online", async () => {
    const t = setup();
    active = t.socket;
    t.socket.start();
    await settle();
    const first = t.server.last;
    t.setOnline(false);
    expect(t.socket.getSnapshot().state).toBe("offline");
    expect(first.closedByClient).toBe(1000);
    t.timers.advance(60_000);
    expect(t.server.sockets).toHaveLength(1);
    t.setOnline(true);
    await settle();
    expect(t.server.sockets).toHaveLength(2);
    expect(t.socket.getSnapshot().state).toBe("open");
  });

  test("starts offline when the browser is offline; a drop while offline waits for the online event", async () => {
    const t = setup({ online: false });
    active = t.socket;
    t.socket.start();
    expect(t.socket.getSnapshot().state).toBe("offline");
    t.setOnline(true);
    await settle();
    expect(t.socket.getSnapshot().state).toBe("open");
    t.setOnline(false);
    t.setOnline(false);
    expect(t.socket.getSnapshot().state).toBe("offline");
  });

  test("1012 (server restarting) reconnects at once, without backoff", async () => {
    const t = setup({ random: () => 1 });
    active = t.socket;
    t.socket.start();
    await settle();
    t.server.last.drop(1012);
    expect(t.socket.getSnapshot().nextRetryAt).toBe(t.timers.now());
    t.timers.advance(0);
    await settle();
    expect(t.server.sockets).toHaveLength(2);
    expect(t.socket.getSnapshot().state).toBe("open");
  });

  test("4401 refreshes the token, then reconnects with the new one", async () => {
    const t = setup();
    active = t.socket;
    t.expireToken();
    t.socket.start();
    await settle();
    expect(t.refresh).toHaveBeenCalledTimes(1);
    expect(t.server.sockets).toHaveLength(2);
    expect(t.server.last.sent[0]).toEqual({ type: "auth", token: "access-2" });
    expect(t.socket.getSnapshot().state).toBe("open");
  });

  test("a token that expires mid-session (4401) refreshes, reconnects from the last seq and loses nothing", async () => {
    const t = setup({ random: () => 0 });
    active = t.socket;
    const conversation = t.backend.addConversation({}, makeExchange());
    t.socket.start();
    t.socket.watch(conversation.id, 0);
    await settle();
    const first = t.server.last;
    const acked = {
      type: "message.send" as const,
      conversation_id: conversation.id,
      client_message_id: "33333333-3333-4333-8333-333333333333",
      content: "Acknowledged before the expiry",
    };
    t.socket.send(acked);
    await settle();
    expect(t.socket.pending()).toEqual([]);
    // The server stops answering, then closes the socket because the token expired.
    t.server.ignoreFrames = true;
    const unacked = {
      ...acked,
      client_message_id: "44444444-4444-4444-8444-444444444444",
      content: "In flight",
    };
    t.socket.send(unacked);
    expect(t.socket.pending()).toEqual([unacked.client_message_id]);
    t.server.ignoreFrames = false;
    t.expireToken();
    first.drop(4401);
    await settle();

    expect(t.refresh).toHaveBeenCalledTimes(1);
    expect(t.server.sockets).toHaveLength(2);
    const second = t.server.last;
    expect(second.sent[0]).toEqual({ type: "auth", token: "access-2" });
    // Resubscribed after the acknowledged message's seq; only the unacknowledged message is sent again.
    expect(second.framesOf("subscribe")).toEqual([
      { type: "subscribe", conversation_id: conversation.id, after_seq: 3 },
    ]);
    expect(second.framesOf("message.send")).toEqual([unacked]);
    expect(t.socket.pending()).toEqual([]);
    expect(t.socket.getSnapshot().state).toBe("open");
    // The reply to the acknowledged message, written while the client was away, reaches it on the new socket.
    const away = t.server.pendingReplies[0];
    if (!away) throw new Error("the acknowledged message has a reply in progress");
    t.server.streamReply(away.conversationId, away.replyId);
    await settle();
    const messages = t.backend.messagesOf(conversation.id);
    expect(messages.filter((m) => m.role === "user").map((m) => m.content)).toEqual([
      expect.any(String) as string,
      acked.content,
      unacked.content,
    ]);
    const finished = t.received.filter(
      (event) =>
        event.type === "message" && event.message.id === away.replyId && event.message.status === "complete",
    );
    expect(finished).toHaveLength(1);
  });

  test("a refresh that fails stops the socket (the session signs out)", async () => {
    const t = setup({ auth: { refresh: () => Promise.resolve(false) } });
    active = t.socket;
    t.expireToken();
    t.socket.start();
    await settle();
    expect(t.socket.getSnapshot().state).toBe("idle");
  });

  test("without a token it refreshes first", async () => {
    let token: string | null = null;
    const t = setup({
      auth: {
        getAccessToken: () => token,
        refresh: () => {
          token = "access-1";
          return Promise.resolve(true);
        },
      },
    });
    active = t.socket;
    t.socket.start();
    await settle();
    expect(t.server.last.sent[0]).toEqual({ type: "auth", token: "access-1" });
  });

  test("re-subscribes every watched conversation with the last seq it holds", async () => {
    const t = setup({ random: () => 0 });
    active = t.socket;
    const conversation = t.backend.addConversation({}, makeExchange());
    t.socket.start();
    t.socket.watch(conversation.id, 0);
    await settle();
    expect(t.server.last.framesOf("subscribe")).toEqual([
      { type: "subscribe", conversation_id: conversation.id, after_seq: 0 },
    ]);
    expect(t.received.map((event) => event.type)).toEqual(["message", "message"]);
    t.socket.watch(conversation.id, 1); // already watched: no second subscribe
    expect(t.server.last.framesOf("subscribe")).toHaveLength(1);
    t.server.last.drop(1006);
    t.timers.advance(0);
    await settle();
    expect(t.server.last.framesOf("subscribe")).toEqual([
      { type: "subscribe", conversation_id: conversation.id, after_seq: 2 },
    ]);
    // Nothing was replayed: nothing new.
    expect(t.received).toHaveLength(2);
  });

  test("follows at most MAX_WATCHED conversations: the oldest without unsent messages is unsubscribed", async () => {
    const t = setup({ random: () => 0 });
    active = t.socket;
    t.server.ignoreFrames = true; // unanswered sends stay in the outbox
    t.socket.start();
    await settle();
    const ids = Array.from({ length: MAX_WATCHED + 2 }, (_, index) => `c${String(index)}`);
    t.socket.send({ type: "message.send", conversation_id: "c0", client_message_id: "m0", content: "hi" });
    for (const id of ids.slice(0, MAX_WATCHED)) t.socket.watch(id, 0);
    t.socket.watch("c1", 0); // used again: now the most recent
    expect(t.server.last.framesOf("unsubscribe")).toEqual([]);
    t.socket.watch(ids[MAX_WATCHED] ?? "", 0);
    t.socket.watch(ids[MAX_WATCHED + 1] ?? "", 0);
    // c0 has an unsent message and c1 was used again: c2 and c3 go.
    expect(t.server.last.framesOf("unsubscribe")).toEqual([
      { type: "unsubscribe", conversation_id: "c2" },
      { type: "unsubscribe", conversation_id: "c3" },
    ]);
    expect(t.socket.isWatching("c0")).toBe(true);
    expect(t.socket.isWatching("c2")).toBe(false);
    t.socket.watch("c2", 0); // opened again: followed again
    expect(t.server.last.framesOf("subscribe").at(-1)).toEqual({
      type: "subscribe",
      conversation_id: "c2",
      after_seq: 0,
    });
  });

  test("queues sends while closed and re-sends unacknowledged ones with the same client_message_id", async () => {
    const t = setup({ random: () => 0 });
    active = t.socket;
    const conversation = t.backend.addConversation();
    t.server.autoOpen = false;
    t.socket.start();
    const frame = {
      type: "message.send" as const,
      conversation_id: conversation.id,
      client_message_id: "11111111-1111-4111-8111-111111111111",
      content: "Hello",
    };
    t.socket.send(frame);
    expect(t.socket.pending()).toEqual([frame.client_message_id]);
    // The connection drops before the ack arrives.
    t.server.last.open();
    expect(t.server.last.framesOf("message.send")).toEqual([frame]);
    t.server.last.drop(1006);
    expect(t.socket.pending()).toEqual([frame.client_message_id]);
    t.timers.advance(0);
    t.server.last.open();
    await settle();
    expect(t.server.last.framesOf("message.send")).toEqual([frame]);
    expect(t.socket.pending()).toEqual([]);
    // The first ack was lost with the line; the re-send is acknowledged, and the server stored the message once.
    expect(t.backend.messagesOf(conversation.id).filter((m) => m.role === "user")).toHaveLength(1);
    expect(t.received.filter((event) => event.type === "message.ack")).toHaveLength(1);
  });

  test("a refused send leaves the outbox; forget drops one", async () => {
    const t = setup();
    active = t.socket;
    t.socket.start();
    await settle();
    t.server.ignoreFrames = true;
    const cmid = "22222222-2222-4222-8222-222222222222";
    t.socket.send({ type: "message.send", conversation_id: "x", client_message_id: cmid, content: "a" });
    t.socket.send({ type: "message.send", conversation_id: "x", client_message_id: "other", content: "b" });
    t.server.last.emit({
      type: "error",
      code: "rate_limited",
      message: "slow down",
      client_message_id: cmid,
    });
    await settle();
    expect(t.socket.pending()).toEqual(["other"]);
    t.socket.forget("other");
    expect(t.socket.pending()).toEqual([]);
    expect(t.received.at(-1)).toMatchObject({ type: "error", code: "rate_limited" });
  });

  test("drops repeated messages and deltas", async () => {
    const t = setup();
    active = t.socket;
    t.socket.start();
    await settle();
    const ws = t.server.last;
    const streaming = makeMessage({ role: "assistant", seq: 2, status: "streaming", content: "" });
    const delta = (index: number): ServerEvent => ({
      type: "assistant.delta",
      conversation_id: streaming.conversation_id,
      message_id: streaming.id,
      index,
      delta: `d${index}`,
    });
    ws.emit({ type: "message", message: streaming });
    ws.emit({ type: "message", message: streaming });
    ws.emit(delta(0));
    ws.emit(delta(0));
    ws.emit(delta(1));
    const done = { ...streaming, status: "complete" as const, content: "d0d1" };
    ws.emit({ type: "message", message: done });
    ws.emit({ type: "message", message: done });
    ws.emit({ type: "message", message: streaming }); // an old replay arriving late
    ws.emit(delta(2)); // after the end
    ws.emit({ type: "assistant.typing", conversation_id: streaming.conversation_id, state: "stop" });
    ws.emit({ type: "not json" } as unknown as ServerEvent);
    await settle();
    ws.onmessage?.(new MessageEvent("message", { data: "{broken" }));
    ws.onmessage?.(new MessageEvent("message", { data: new ArrayBuffer(2) }));
    expect(
      t.received.map((event) => (event.type === "assistant.delta" ? `delta ${event.index}` : event.type)),
    ).toEqual(["message", "delta 0", "delta 1", "message", "assistant.typing", "not json"]);
  });

  test("typing frames go only while open; stop forgets everything", async () => {
    const t = setup();
    active = t.socket;
    t.socket.typing("c1", "start");
    t.socket.start();
    t.socket.start();
    await settle();
    t.socket.typing("c1", "start");
    expect(t.server.last.framesOf("typing")).toEqual([
      { type: "typing", conversation_id: "c1", state: "start" },
    ]);
    t.socket.watch("c1", 3);
    t.socket.send({ type: "message.send", conversation_id: "c1", client_message_id: "m", content: "x" });
    t.socket.stop();
    expect(t.socket.getSnapshot().state).toBe("idle");
    expect(t.socket.pending()).toEqual([]);
    expect(t.socket.isWatching("c1")).toBe(false);
    t.socket.reconnectNow();
    t.setOnline(true);
    t.setOnline(false);
    expect(t.server.sockets).toHaveLength(1);
  });
});
