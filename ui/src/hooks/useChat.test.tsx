import { act, waitFor } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import { citedReplyAnnouncement, citedReplyText, makeExchange } from "../testing/fixtures";
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
