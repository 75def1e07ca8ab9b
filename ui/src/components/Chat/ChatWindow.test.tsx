import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { UseChat } from "../../hooks/useChat";
import { ChatWindow } from "./ChatWindow";
import { sampleConversation } from "./fixtures";
import { first, mockLayout, renderWithStore } from "./testing";
import type { Conversation } from "./types";

const useChatMock = vi.hoisted(() => vi.fn());
vi.mock("../../hooks/useChat", () => ({ useChat: useChatMock }));

const conversation: Conversation = {
  id: "conv-1",
  status: "active",
  channel: "web",
  language: "en",
  title: "Password",
  created_at: "2026-03-02T09:30:00Z",
  last_activity_at: "2026-03-02T09:34:00Z",
  case: null,
};

function fakeChat(overrides: Partial<UseChat> = {}) {
  const spies = {
    send: vi.fn(),
    retry: vi.fn(),
    stopWaiting: vi.fn(),
    escalate: vi.fn(() => Promise.resolve()),
    rate: vi.fn(() => Promise.resolve()),
  };
  const chat: UseChat = {
    items: sampleConversation(),
    conversation,
    isLoadingHistory: false,
    hasOlder: false,
    loadOlder: vi.fn(),
    assistantTyping: false,
    awaitingReply: true,
    ...spies,
    close: vi.fn(() => Promise.resolve()),
    ...overrides,
  };
  return { chat, ...spies };
}

describe("ChatWindow", () => {
  beforeEach(() => {
    mockLayout();
    useChatMock.mockReset();
  });

  test("wires the chat hook to the view", async () => {
    const user = userEvent.setup();
    const { chat, ...spies } = fakeChat();
    useChatMock.mockReturnValue(chat);
    const onConversationCreated = vi.fn();
    renderWithStore(<ChatWindow conversationId="conv-1" onConversationCreated={onConversationCreated} />);
    expect(useChatMock).toHaveBeenCalledWith("conv-1", { onConversationCreated });

    await user.type(screen.getByRole("textbox", { name: "Message" }), "Hi{Enter}");
    expect(spies.send).toHaveBeenCalledWith("Hi");
    await user.keyboard("{Escape}");
    expect(spies.stopWaiting).toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(spies.retry).toHaveBeenCalledWith("c-u2");
    await user.click(screen.getByRole("button", { name: "Yes, talk to a person" }));
    expect(spies.escalate).toHaveBeenCalled();
  });

  test("thanks for feedback through the live region", async () => {
    const user = userEvent.setup();
    const { chat, ...spies } = fakeChat();
    useChatMock.mockReturnValue(chat);
    const { store } = renderWithStore(<ChatWindow conversationId="conv-1" onConversationCreated={vi.fn()} />);
    await user.click(first(screen.getAllByRole("button", { name: "Not helpful" })));
    expect(spies.rate).toHaveBeenCalledWith("a1", "down");
    await waitFor(() => expect(store.getState().ui.announcement?.text).toBe("Thanks for your feedback."));
  });

  test("announces a failed rating or hand-off", async () => {
    const user = userEvent.setup();
    const { chat } = fakeChat({
      rate: vi.fn(() => Promise.reject(new Error("boom"))),
      escalate: vi.fn(() => Promise.reject(new Error("boom"))),
    });
    useChatMock.mockReturnValue(chat);
    const { store } = renderWithStore(<ChatWindow conversationId="conv-1" onConversationCreated={vi.fn()} />);
    await user.click(first(screen.getAllByRole("button", { name: "Helpful" })));
    await waitFor(() => expect(store.getState().ui.announcement?.id).toBe(1));
    await user.click(screen.getByRole("button", { name: "Yes, talk to a person" }));
    await waitFor(() => expect(store.getState().ui.announcement?.id).toBe(2));
    expect(store.getState().ui.announcement?.text).not.toBe("");
  });

  test("a new conversation shows the greeting", () => {
    useChatMock.mockReturnValue(fakeChat({ items: [], conversation: null, awaitingReply: false }).chat);
    renderWithStore(<ChatWindow conversationId={null} onConversationCreated={vi.fn()} />);
    expect(screen.getByText("Hi! How can we help you today?")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Message" })).toBeEnabled();
  });
});
