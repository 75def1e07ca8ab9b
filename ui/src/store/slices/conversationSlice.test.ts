import { describe, expect, test } from "vitest";
import { makeStore } from "..";
import { makeMessage } from "../../testing/fixtures";
import {
  DRAFT_KEY,
  chatCleared,
  deltaReceived,
  draftPromoted,
  draftReset,
  messagesReceived,
  outboxAdded,
  rated,
  sendFailed,
  sendRetried,
  typingChanged,
  waitingStopped,
} from "./conversationSlice";
import { selectAwaitingReply, selectChatItems } from "../selectors/conversation";

const C = "c1";
const failedText = () => "The assistant could not finish its reply.";

function setup() {
  const store = makeStore();
  return { store, items: (id: string | null = C) => selectChatItems(store.getState(), id, failedText) };
}

describe("conversationSlice", () => {
  test("keeps messages in seq order whatever order they arrive in, once each", () => {
    const { store, items } = setup();
    const m1 = makeMessage({ conversation_id: C, seq: 1 });
    const m2 = makeMessage({ conversation_id: C, seq: 2, role: "assistant", content: "hi" });
    const m3 = makeMessage({ conversation_id: C, seq: 3 });
    store.dispatch(messagesReceived({ conversationId: C, messages: [m3, m1] }));
    store.dispatch(messagesReceived({ conversationId: C, messages: [m2, m1, m3] }));
    expect(items().map((item) => item.id)).toEqual([m1.id, m2.id, m3.id]);
    expect(store.getState().chat.byId[C]?.lastSeq).toBe(3);
  });

  test("a stream shows only its unbroken start; the stored reply replaces it and is not downgraded", () => {
    const { store, items } = setup();
    store.dispatch(
      messagesReceived({ conversationId: C, messages: [makeMessage({ conversation_id: C, seq: 1 })] }),
    );
    const delta = (index: number, text: string) =>
      deltaReceived({ conversationId: C, messageId: "r1", index, delta: text });
    store.dispatch(delta(0, "A"));
    store.dispatch(delta(2, "C"));
    expect(items()[1]).toMatchObject({ id: "r1", status: "streaming", content: "A", role: "assistant" });
    store.dispatch(delta(1, "B"));
    store.dispatch(delta(1, "X"));
    expect(items()[1]?.content).toBe("ABC");
    const reply = makeMessage({ id: "r1", conversation_id: C, seq: 2, role: "assistant", content: "ABC!" });
    store.dispatch(messagesReceived({ conversationId: C, messages: [reply] }));
    store.dispatch(
      messagesReceived({ conversationId: C, messages: [{ ...reply, status: "streaming", content: "" }] }),
    );
    store.dispatch(delta(3, "late"));
    expect(items()[1]).toMatchObject({ status: "complete", content: "ABC!" });
    expect(items()).toHaveLength(2);
  });

  test("a stored streaming placeholder shows the streamed text; a failed reply says why", () => {
    const { store, items } = setup();
    const placeholder = makeMessage({
      id: "r",
      conversation_id: C,
      seq: 2,
      role: "assistant",
      status: "streaming",
      content: "",
    });
    store.dispatch(messagesReceived({ conversationId: C, messages: [placeholder] }));
    expect(items()[0]?.content).toBe("");
    store.dispatch(deltaReceived({ conversationId: C, messageId: "r", index: 0, delta: "Hi" }));
    expect(items()[0]?.content).toBe("Hi");
    store.dispatch(
      messagesReceived({
        conversationId: C,
        messages: [{ ...placeholder, status: "failed", content: "Sorry." }],
      }),
    );
    expect(items()[0]).toMatchObject({
      status: "failed",
      error: { code: "reply_failed", message: "The assistant could not finish its reply." },
    });
  });

  test("outbox: sending, failed, retried, acknowledged with the same key", () => {
    const { store, items } = setup();
    store.dispatch(
      outboxAdded({ conversationId: C, clientMessageId: "k1", content: "Hello", createdAt: "t" }),
    );
    store.dispatch(
      outboxAdded({ conversationId: C, clientMessageId: "k1", content: "Hello", createdAt: "t" }),
    );
    expect(items()).toMatchObject([{ key: "k1", id: null, status: "sending", role: "user" }]);
    expect(selectAwaitingReply(store.getState(), C)).toBe(true);
    store.dispatch(
      sendFailed({ clientMessageId: "k1", error: { code: "rate_limited", message: "Slow down." } }),
    );
    store.dispatch(sendFailed({ clientMessageId: "unknown", error: { code: "x", message: "x" } }));
    expect(items()[0]).toMatchObject({ status: "failed", error: { code: "rate_limited" } });
    expect(selectAwaitingReply(store.getState(), C)).toBe(false);
    store.dispatch(sendRetried("k1"));
    store.dispatch(sendRetried("unknown"));
    expect(items()[0]).toMatchObject({ status: "sending", error: null });
    const stored = makeMessage({ conversation_id: C, seq: 1, client_message_id: "k1", content: "Hello" });
    store.dispatch(messagesReceived({ conversationId: C, messages: [stored] }));
    expect(items()).toMatchObject([{ key: "k1", id: stored.id, status: "complete" }]);
    expect(selectAwaitingReply(store.getState(), C)).toBe(true);
  });

  test("stop waiting freezes the visible text and hides the button; a new send waits again", () => {
    const { store, items } = setup();
    store.dispatch(
      messagesReceived({ conversationId: C, messages: [makeMessage({ conversation_id: C, seq: 1 })] }),
    );
    store.dispatch(deltaReceived({ conversationId: C, messageId: "r", index: 0, delta: "Part one. " }));
    store.dispatch(typingChanged({ conversationId: C, typing: true }));
    store.dispatch(waitingStopped(C));
    store.dispatch(deltaReceived({ conversationId: C, messageId: "r", index: 1, delta: "Part two." }));
    expect(items()[1]).toMatchObject({ content: "Part one. ", stopped: true, status: "streaming" });
    expect(selectAwaitingReply(store.getState(), C)).toBe(false);
    expect(store.getState().chat.byId[C]?.assistantTyping).toBe(true);
    const reply = makeMessage({
      id: "r",
      conversation_id: C,
      seq: 2,
      role: "assistant",
      content: "Part one. Part two.",
    });
    store.dispatch(messagesReceived({ conversationId: C, messages: [reply] }));
    expect(items()[1]).toMatchObject({ content: "Part one. Part two.", status: "complete", stopped: true });
    // Stopped before the next reply even started: it stays hidden until stored.
    store.dispatch(
      outboxAdded({ conversationId: C, clientMessageId: "k2", content: "More", createdAt: "t" }),
    );
    expect(selectAwaitingReply(store.getState(), C)).toBe(true);
    store.dispatch(waitingStopped(C));
    store.dispatch(deltaReceived({ conversationId: C, messageId: "r2", index: 0, delta: "Hidden" }));
    expect(items().find((item) => item.id === "r2")).toMatchObject({ content: "", stopped: true });
  });

  test("ratings, draft promotion and reset", () => {
    const { store, items } = setup();
    const reply = makeMessage({ id: "r", conversation_id: C, seq: 2, role: "assistant" });
    store.dispatch(messagesReceived({ conversationId: C, messages: [reply] }));
    store.dispatch(rated({ conversationId: C, messageId: "r", rating: "up" }));
    expect(items()[0]?.rating).toBe("up");
    store.dispatch(rated({ conversationId: C, messageId: "r", rating: null }));
    expect(items()[0]?.rating).toBeNull();

    store.dispatch(
      outboxAdded({ conversationId: DRAFT_KEY, clientMessageId: "d1", content: "First", createdAt: "t" }),
    );
    expect(items(null)).toMatchObject([{ key: "d1", status: "sending" }]);
    store.dispatch(
      outboxAdded({ conversationId: "new", clientMessageId: "d1", content: "First", createdAt: "t" }),
    );
    store.dispatch(draftPromoted("new"));
    expect(store.getState().chat.byId[DRAFT_KEY]).toBeUndefined();
    expect(items(null)).toMatchObject([{ key: "d1" }]);
    expect(items("new")).toHaveLength(1);
    store.dispatch(draftReset());
    expect(items(null)).toEqual([]);
    store.dispatch(draftPromoted("other"));
    store.dispatch(chatCleared());
    expect(store.getState().chat).toEqual({ byId: {}, draftPromotedTo: null });
  });

  test("items are memoised: the same array until the conversation changes", () => {
    const { store, items } = setup();
    store.dispatch(messagesReceived({ conversationId: C, messages: [makeMessage({ conversation_id: C })] }));
    const first = items();
    store.dispatch(typingChanged({ conversationId: "other", typing: true }));
    expect(items()).toBe(first);
    store.dispatch(typingChanged({ conversationId: C, typing: true }));
    expect(items()).not.toBe(first);
  });
});
