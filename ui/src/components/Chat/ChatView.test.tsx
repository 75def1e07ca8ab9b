import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { ChatView, type ChatViewProps } from "./ChatView";
import { sampleConversation } from "./fixtures";
import { first, mockLayout, renderWithStore } from "./testing";

function renderView(props: Partial<ChatViewProps> = {}) {
  const handlers = {
    onLoadOlder: vi.fn(),
    onSend: vi.fn(),
    onStop: vi.fn(),
    onRetry: vi.fn(),
    onRate: vi.fn(),
    onEscalate: vi.fn(() => Promise.resolve()),
  };
  const result = renderWithStore(
    <ChatView
      items={sampleConversation()}
      status="active"
      isLoadingHistory={false}
      hasOlder={false}
      assistantTyping={false}
      awaitingReply={false}
      {...handlers}
      {...props}
    />,
  );
  return { ...result, handlers, composer: screen.getByRole("textbox", { name: "Message" }) };
}

beforeEach(mockLayout);

describe("ChatView", () => {
  test("a new conversation greets and offers example questions", async () => {
    const user = userEvent.setup();
    const { handlers, composer } = renderView({ items: [], status: null });
    expect(screen.getByText("Hi! How can we help you today?")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "How do I reset my password?" }));
    expect(handlers.onSend).toHaveBeenCalledWith("How do I reset my password?");
    expect(composer).toHaveFocus();
  });

  test("typing status and the composer sit under the transcript", async () => {
    const user = userEvent.setup();
    const { handlers, composer } = renderView({ assistantTyping: true, awaitingReply: true });
    expect(screen.getByRole("status")).toHaveTextContent("The assistant is typing…");
    await user.type(composer, "More help{Enter}");
    expect(handlers.onSend).toHaveBeenCalledWith("More help");
    await user.click(screen.getByRole("button", { name: "Stop waiting" }));
    expect(handlers.onStop).toHaveBeenCalled();
  });

  test("quick replies, retry and escalation hand focus back to the composer", async () => {
    const user = userEvent.setup();
    const { handlers, composer } = renderView();
    const replies = screen.getByRole("group", { name: "Suggested replies" });
    await user.click(within(replies).getByRole("button", { name: "Try again" }));
    expect(handlers.onSend).toHaveBeenCalledWith("Try again");
    expect(composer).toHaveFocus();

    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(handlers.onRetry).toHaveBeenCalledWith("c-u2");
    expect(composer).toHaveFocus();

    await user.click(screen.getByRole("button", { name: "Yes, talk to a person" }));
    expect(handlers.onEscalate).toHaveBeenCalled();
    expect(composer).toHaveFocus();

    await user.click(first(screen.getAllByRole("button", { name: "Not helpful" })));
    expect(handlers.onRate).toHaveBeenCalledWith("a1", "down");
  });

  test("an escalated conversation no longer offers the hand-off", () => {
    renderView({ status: "escalated" });
    expect(screen.queryByRole("button", { name: "Yes, talk to a person" })).toBeNull();
  });

  test("a resolved conversation closes the composer", () => {
    const { composer } = renderView({ status: "resolved" });
    expect(composer).toBeDisabled();
    expect(
      screen.getByText("This chat has ended. Start a new one to ask something else."),
    ).toBeInTheDocument();
  });
});
