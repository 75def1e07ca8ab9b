import { act, waitFor } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import { settle } from "../testing/fakeSocket";
import { escalatedConversation } from "../testing/fixtures";
import { createTestServices, renderHookWithProviders } from "../testing/renderWithProviders";
import { useConversation, useConversations } from "./useConversations";

describe("useConversations", () => {
  test("lists conversations and pages with the cursor", async () => {
    const services = createTestServices();
    for (let i = 0; i < 25; i += 1) services.backend.addConversation({ title: `Chat ${i}` });
    const { result } = renderHookWithProviders(() => useConversations(), { services });
    expect(result.current.isLoading).toBe(true);
    await waitFor(() => {
      expect(result.current.conversations).toHaveLength(20);
    });
    expect(result.current.hasMore).toBe(true);
    expect(result.current.conversations[0]?.title).toBe("Chat 24");
    act(() => {
      result.current.loadMore();
      result.current.loadMore(); // already loading: once
    });
    await waitFor(() => {
      expect(result.current.conversations).toHaveLength(25);
    });
    expect(result.current.hasMore).toBe(false);
    expect(result.current.error).toBeNull();
  });

  test("conversation.updated events update the list and the conversation; a hand-off is announced once", async () => {
    const services = createTestServices();
    const conversation = services.backend.addConversation();
    const { result } = renderHookWithProviders(
      () => ({
        list: useConversations(),
        one: useConversation(conversation.id),
        none: useConversation(null),
      }),
      { services },
    );
    await waitFor(() => {
      expect(result.current.list.conversations).toHaveLength(1);
    });
    expect(result.current.one?.status).toBe("active");
    expect(result.current.none).toBeNull();
    await act(settle);
    const updated = { ...escalatedConversation, id: conversation.id };
    act(() => {
      services.socketServer.last.emit({ type: "conversation.updated", conversation: updated });
      services.socketServer.last.emit({ type: "conversation.updated", conversation: updated });
    });
    await act(settle);
    expect(result.current.one?.status).toBe("escalated");
    expect(result.current.list.conversations[0]?.case?.number).toBe("00001027");
    expect(services.store.getState().ui.announcement?.text).toBe(
      "A person will take over. Your case number is 00001027.",
    );
    const announced = services.store.getState().ui.announcement?.id;
    // A conversation the list did not hold yet goes on top.
    const other = {
      ...updated,
      id: "00000000-0000-4000-8000-0000000000ff",
      status: "active" as const,
      case: null,
    };
    act(() => {
      services.chat.applyConversation(other);
    });
    await waitFor(() => {
      expect(result.current.list.conversations.map((c) => c.id)).toEqual([other.id, conversation.id]);
    });
    expect(services.store.getState().ui.announcement?.id).toBe(announced);
  });

  test("a conversation not in the list is fetched", async () => {
    const services = createTestServices();
    const conversation = services.backend.addConversation({ title: "Alone" });
    const { result } = renderHookWithProviders(() => useConversation(conversation.id), { services });
    await waitFor(() => {
      expect(result.current?.title).toBe("Alone");
    });
  });
});
