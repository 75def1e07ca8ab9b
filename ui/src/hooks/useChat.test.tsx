import { act, waitFor } from "@testing-library/react";
import { http } from "msw";
import { describe, expect, test, vi } from "vitest";
import { setLanguage } from "../store/slices/uiSlice";
import {
  citedReplyAnnouncement,
  citedReplyText,
  conversation,
  makeExchange,
  makeMessage,
} from "../testing/fixtures";
import { errorResponse, restHandlers } from "../testing/handlers";
import { server } from "../testing/server";
import { settle } from "../testing/fakeSocket";
import { createTestServices, renderHookWithProviders } from "../testing/renderWithProviders";
import { useChat } from "./useChat";

describe("useChat", () => {
  test("loads the history over REST, then follows the conversation live", async () => {
    const services = createTestServices();
    const conversation = services.backend.addConversation({}, makeExchange());
    const { result } = renderHookWithProviders(() => useChat(conversation.id), { services });
    expect(result.current.isLoadingHistory).toBe(true);
    await waitFor(() => {
      expect(result.current.items).toHaveLength(2);
    });
    expect(result.current.isLoadingHistory).toBe(false);
    expect(result.current.hasOlder).toBe(false);
    expect(result.current.conversation?.id).toBe(conversation.id);
    expect(result.current.items.map((item) => item.role)).toEqual(["user", "assistant"]);
    expect(result.current.items[1]?.meta?.citations).toHaveLength(2);
    await settle();
    const subscribe = services.socketServer.last.framesOf("subscribe");
    expect(subscribe).toEqual([{ type: "subscribe", conversation_id: conversation.id, after_seq: 2 }]);
    // History is never announced.
    expect(services.store.getState().ui.announcement).toBeNull();
  });

  test("send shows the user's message at once, then streams and announces the reply once", async () => {
    const services = createTestServices({ socketServer: { autoReply: false } });
    const conversation = services.backend.addConversation();
    const { result } = renderHookWithProviders(() => useChat(conversation.id), { services });
    await waitFor(() => {
      expect(result.current.isLoadingHistory).toBe(false);
    });
    act(() => {
      result.current.send("How do I reset a password?");
      // Optimistic: in the store in the same event.
      expect(services.store.getState().chat.byId[conversation.id]?.outboxOrder).toHaveLength(1);
    });
    expect(result.current.items).toMatchObject([{ role: "user", status: "sending", id: null }]);
    expect(result.current.awaitingReply).toBe(true);
    await act(settle);
    expect(result.current.items).toMatchObject([{ role: "user", status: "complete" }]);
    const key = result.current.items[0]?.key;
    act(() => {
      const pending = services.socketServer.pendingReplies[0];
      if (!pending) throw new Error("no reply");
      services.socketServer.streamReply(pending.conversationId, pending.replyId, undefined, { to: 2 });
    });
    await act(settle);
    expect(result.current.assistantTyping).toBe(true);
    expect(result.current.items[1]).toMatchObject({ role: "assistant", status: "streaming" });
    expect(Number.isNaN(Date.parse(result.current.items[1]?.createdAt ?? ""))).toBe(false);
    expect(result.current.items[1]?.content).toBe("To reset a password, open **Setup**, then *Users*, ");
    expect(services.store.getState().ui.announcement).toBeNull();
    act(() => {
      const pending = services.socketServer.pendingReplies[0];
      if (!pending) throw new Error("no reply");
      services.socketServer.streamReply(pending.conversationId, pending.replyId, undefined, { from: 2 });
    });
    await act(settle);
    expect(result.current.items[0]?.key).toBe(key);
    expect(result.current.items[1]).toMatchObject({ status: "complete", content: citedReplyText });
    expect(result.current.assistantTyping).toBe(false);
    expect(result.current.awaitingReply).toBe(false);
    expect(services.store.getState().ui.announcement?.text).toBe(citedReplyAnnouncement);
  });
});

describe("useChat without a conversation", () => {
  test("the first send creates one in the UI language and tells the shell", async () => {
    const services = createTestServices({ socketServer: { autoReply: false } });
    services.store.dispatch(setLanguage("ar"));
    const created = vi.fn();
    const { result } = renderHookWithProviders(() => useChat(null, { onConversationCreated: created }), {
      services,
    });
    expect(result.current.isLoadingHistory).toBe(false);
    act(() => {
      result.current.send("مرحبا");
      result.current.send("   "); // blank: ignored
    });
    expect(result.current.items).toMatchObject([{ role: "user", status: "sending", content: "مرحبا" }]);
    await waitFor(() => {
      expect(created).toHaveBeenCalledTimes(1);
    });
    const id = created.mock.calls[0]?.[0] as string;
    expect(services.backend.conversations.get(id)?.language).toBe("ar");
    await waitFor(() => {
      expect(result.current.items[0]?.status).toBe("complete");
    });
    expect(result.current.conversation?.id).toBe(id);
  });

  test("a failed creation marks the message failed, announces it, and retry creates it", async () => {
    const services = createTestServices();
    server.use(http.post("*/api/v1/conversations", () => errorResponse(503, "service_unavailable")));
    const created = vi.fn();
    const { result } = renderHookWithProviders(() => useChat(null, { onConversationCreated: created }), {
      services,
    });
    act(() => {
      result.current.send("Hello");
    });
    await waitFor(() => {
      expect(result.current.items[0]?.status).toBe("failed");
    });
    expect(result.current.items[0]?.error).toEqual({
      code: "service_unavailable",
      message: "The service is busy. Try again soon.",
    });
    expect(services.store.getState().ui.announcement?.text).toBe(
      "Your message was not sent. The service is busy. Try again soon.",
    );
    server.resetHandlers(...restHandlers(services.backend));
    const key = result.current.items[0]?.clientMessageId ?? "";
    act(() => {
      result.current.retry(key);
    });
    await waitFor(() => {
      expect(created).toHaveBeenCalledTimes(1);
    });
    await waitFor(() => {
      expect(result.current.items.map((item) => item.status)).toEqual(["complete", "complete"]);
    });
    expect(result.current.items[0]?.key).toBe(key);
  });
});

describe("useChat actions", () => {
  async function opened(options: Parameters<typeof createTestServices>[0] = {}) {
    const services = createTestServices(options);
    const conversation = services.backend.addConversation({}, makeExchange());
    const hook = renderHookWithProviders(() => useChat(conversation.id), { services });
    await waitFor(() => {
      expect(hook.result.current.items).toHaveLength(2);
    });
    await act(settle);
    return { ...hook, services, id: conversation.id };
  }

  test("several components with the same id share one history load", async () => {
    const services = createTestServices();
    const conversation = services.backend.addConversation({}, makeExchange());
    const loads = vi.fn();
    server.events.on("request:start", ({ request }) => {
      if (request.url.includes("/messages")) loads();
    });
    const { result } = renderHookWithProviders(() => [useChat(conversation.id), useChat(conversation.id)], {
      services,
    });
    await waitFor(() => {
      expect(result.current[1]?.items).toHaveLength(2);
    });
    expect(result.current[0]?.items).toBe(result.current[1]?.items);
    expect(loads).toHaveBeenCalledTimes(1);
    server.events.removeAllListeners();
  });

  test("a refused send is failed with the reason, announced once, and retried with the same id", async () => {
    const { result, services, id } = await opened();
    services.socketServer.backend.conversations.set(id, { ...conversation, id, status: "resolved" });
    const original = services.socketServer.receive.bind(services.socketServer);
    services.socketServer.receive = (socket, frame) => {
      if (frame.type === "message.send") {
        socket.emit({
          type: "error",
          code: "conversation_closed",
          message: "closed",
          client_message_id: frame.client_message_id,
        });
        return;
      }
      original(socket, frame);
    };
    act(() => {
      result.current.send("Still there?");
    });
    await act(settle);
    expect(result.current.items[2]).toMatchObject({
      status: "failed",
      error: { code: "conversation_closed", message: "This chat has ended. Start a new one to keep going." },
    });
    expect(services.store.getState().ui.announcement?.text).toBe(
      "Your message was not sent. This chat has ended. Start a new one to keep going.",
    );
    services.socketServer.receive = original;
    const key = result.current.items[2]?.key ?? "";
    act(() => {
      result.current.retry(key);
      result.current.retry("not-a-message");
    });
    await waitFor(() => {
      expect(result.current.items).toHaveLength(4);
    });
    expect(result.current.items[2]).toMatchObject({ key, status: "complete" });
  });

  test("stop waiting, rate, escalate and close", async () => {
    const { result, services, id } = await opened({ socketServer: { autoReply: false } });
    act(() => {
      result.current.send("And then?");
    });
    await act(settle);
    expect(result.current.awaitingReply).toBe(true);
    act(() => {
      result.current.stopWaiting();
    });
    expect(result.current.awaitingReply).toBe(false);
    result.current.loadOlder();

    const replyId = result.current.items[1]?.id ?? "";
    await act(() => result.current.rate(replyId, "down"));
    expect(result.current.items[1]?.rating).toBe("down");
    expect(services.backend.feedback).toEqual([{ conversationId: id, messageId: replyId, rating: "down" }]);
    server.use(http.post("*/feedback", () => errorResponse(404, "message_not_found")));
    await act(async () => {
      await expect(result.current.rate(replyId, "up")).rejects.toMatchObject({ code: "message_not_found" });
    });
    expect(result.current.items[1]?.rating).toBe("down");

    await act(() => result.current.escalate("I want a person"));
    expect(services.store.getState().ui.announcement?.text).toBe(
      "A person will take over. Your case number is 00001027.",
    );
    await waitFor(() => {
      expect(result.current.conversation?.status).toBe("escalated");
    });
    await act(() => result.current.close());
    await waitFor(() => {
      expect(result.current.conversation?.status).toBe("resolved");
    });
  });

  test("without a conversation, escalate, close and rate do nothing", async () => {
    const { result } = renderHookWithProviders(() => useChat(null));
    await expect(result.current.escalate()).resolves.toBeUndefined();
    await expect(result.current.close()).resolves.toBeUndefined();
    await expect(result.current.rate("x", "up")).resolves.toBeUndefined();
  });

  test("a failed reply is shown as failed with the reason, and announced", async () => {
    const services = createTestServices();
    services.backend.reply = {
      deltas: ["Sorry"],
      content: "Sorry, I could not answer.",
      meta: {},
      status: "failed",
    };
    const conversation = services.backend.addConversation();
    const { result } = renderHookWithProviders(() => useChat(conversation.id), { services });
    await waitFor(() => {
      expect(result.current.isLoadingHistory).toBe(false);
    });
    await act(settle);
    act(() => {
      result.current.send("Hi");
    });
    await waitFor(() => {
      expect(result.current.items[1]?.status).toBe("failed");
    });
    expect(result.current.items[1]?.error).toEqual({
      code: "reply_failed",
      message: "The assistant could not finish its reply.",
    });
    expect(services.store.getState().ui.announcement?.text).toBe("Assistant: Sorry, I could not answer.");
  });

  test("a history load that fails still follows the conversation live", async () => {
    const services = createTestServices();
    const conversation = services.backend.addConversation({}, makeExchange());
    server.use(
      http.get("*/api/v1/conversations/:id/messages", () => errorResponse(503, "service_unavailable")),
    );
    const { result } = renderHookWithProviders(() => useChat(conversation.id), { services });
    // The subscription's replay brings what REST could not.
    await waitFor(() => {
      expect(result.current.items).toHaveLength(2);
    });
    expect(result.current.isLoadingHistory).toBe(false);
    expect(services.store.getState().ui.announcement).toBeNull();
  });

  test("an agent's live message is announced as the support agent", async () => {
    const { result, services, id } = await opened();
    act(() => {
      result.current.send("Are you a person?");
    });
    await waitFor(() => {
      expect(result.current.items).toHaveLength(4);
    });
    const agent = makeMessage({ conversation_id: id, seq: 5, role: "agent", content: "Hi, I am **Sam**." });
    act(() => {
      services.chat.open(id)();
      services.socketServer.last.emit({
        type: "assistant.delta",
        conversation_id: id,
        message_id: agent.id,
        index: 0,
        delta: "Hi",
      });
      services.socketServer.last.emit({ type: "message", message: agent });
    });
    await act(settle);
    expect(services.store.getState().ui.announcement?.text).toBe("Support agent: Hi, I am Sam.");
  });

  test("assistant.reset drops the streamed text; the new answer streams from index 0 and alone is kept", async () => {
    const { result, services, id } = await opened({ socketServer: { autoReply: false } });
    const replyId = "00000000-0000-4000-8000-00000000beef";
    const delta = (index: number, text: string) => ({
      type: "assistant.delta" as const,
      conversation_id: id,
      message_id: replyId,
      index,
      delta: text,
    });
    act(() => {
      services.socketServer.last.emit(delta(0, "A half "));
      services.socketServer.last.emit(delta(1, "answer that"));
    });
    await act(settle);
    expect(result.current.items.at(-1)?.content).toBe("A half answer that");
    act(() => {
      services.socketServer.last.emit({
        type: "assistant.reset",
        conversation_id: id,
        message_id: replyId,
        reason: "engine_failed",
      });
    });
    await act(settle);
    expect(result.current.items.at(-1)?.content ?? "").toBe("");
    act(() => {
      services.socketServer.last.emit(delta(0, "The whole "));
      services.socketServer.last.emit(delta(1, "new answer."));
    });
    await act(settle);
    expect(result.current.items.at(-1)).toMatchObject({
      status: "streaming",
      content: "The whole new answer.",
    });
    const stored = makeMessage({
      id: replyId,
      conversation_id: id,
      seq: 3,
      role: "assistant",
      content: "The whole new answer.",
    });
    act(() => {
      services.socketServer.last.emit({ type: "message", message: stored });
    });
    await act(settle);
    expect(result.current.items.at(-1)).toMatchObject({
      status: "complete",
      content: "The whole new answer.",
    });
    expect(result.current.items).toHaveLength(3);
  });

  // The browser's clock is not the server's: a hand-off reply is announced however far apart the two are.
  test.each([
    ["a year behind", "2025-11-27T09:00:00Z"],
    ["a year ahead", "2027-11-27T09:00:00Z"],
  ])("an agent's live message is announced with this browser's clock %s", async (_, now) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date(now));
      const { services, id } = await opened();
      const agent = makeMessage({ conversation_id: id, seq: 3, role: "agent", content: "Sam here." });
      act(() => {
        services.socketServer.last.emit({ type: "message", message: agent });
      });
      await act(settle);
      expect(services.store.getState().ui.announcement?.text).toBe("Support agent: Sam here.");
    } finally {
      vi.useRealTimers();
    }
  });

  test("an agent's message from the history is not announced, nor when a subscription replays it", async () => {
    const services = createTestServices();
    const [question, reply] = makeExchange();
    const agent = makeMessage({ seq: 3, role: "agent", content: "Sam here." });
    const conversation = services.backend.addConversation({}, [question, reply, agent]);
    const { result } = renderHookWithProviders(() => useChat(conversation.id), { services });
    await waitFor(() => {
      expect(result.current.items).toHaveLength(3);
    });
    await act(settle);
    act(() => {
      services.socketServer.last.emit({ type: "message", message: agent });
    });
    await act(settle);
    expect(services.store.getState().ui.announcement).toBeNull();
  });
});
