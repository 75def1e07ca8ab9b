import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test, vi } from "vitest";
import { makeItem, makeMeta } from "./fixtures";
import { MessageItem, type MessageItemProps } from "./MessageItem";
import { renderWithStore } from "./testing";

function renderItem(props: Partial<MessageItemProps> & Pick<MessageItemProps, "item">) {
  const handlers = { onRetry: vi.fn(), onQuickReply: vi.fn(), onRate: vi.fn(), onEscalate: vi.fn() };
  const result = renderWithStore(<MessageItem isLatest canEscalate {...handlers} {...props} />);
  return { ...result, handlers };
}

const answer = makeItem({
  key: "a1",
  content: "Open **Settings**.",
  meta: makeMeta({
    citations: [
      { id: "k1", title: "Reset a password", url: "https://help.example.com/reset", snippet: "Go to Setup." },
      { id: "k2", title: "Offline article", url: null, snippet: "" },
      { id: "k3", title: "Bad link", url: "javascript:alert(1)", snippet: "" },
    ],
    quick_replies: ["Thanks", "Show me more"],
    escalation_suggested: true,
  }),
});

describe("MessageItem", () => {
  test.each([
    ["user", "You"],
    ["assistant", "Assistant"],
    ["agent", "Support agent"],
    ["system", "System"],
  ] as const)("a %s message is an article named %s", (role, name) => {
    renderItem({ item: makeItem({ key: "m", role, content: "Hello there" }) });
    const article = screen.getByRole("article", { name });
    expect(within(article).getByText("Hello there")).toBeInTheDocument();
    expect(within(article).getByText((_, element) => element?.tagName === "TIME")).toHaveAttribute(
      "datetime",
      "2026-03-02T09:30:00.000Z",
    );
  });

  test("a failed message says Not sent and can be retried", async () => {
    const user = userEvent.setup();
    const { handlers } = renderItem({
      item: makeItem({
        key: "u",
        role: "user",
        content: "Hi",
        status: "failed",
        clientMessageId: "c1",
        error: { code: "offline", message: "You are offline." },
      }),
    });
    expect(screen.getByText("Not sent")).toBeInTheDocument();
    expect(screen.getByText("You are offline.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(handlers.onRetry).toHaveBeenCalledWith("c1");
  });

  test("a message on its way says Sending…", () => {
    renderItem({ item: makeItem({ key: "u", role: "user", content: "Hi", status: "sending", id: null }) });
    expect(screen.getByText("Sending…")).toBeInTheDocument();
  });

  test("a streamed reply grows, and a stopped one says so", async () => {
    const { rerender, handlers } = renderItem({
      item: makeItem({ key: "a", content: "Hel", status: "streaming" }),
    });
    expect(await screen.findByText("Hel")).toBeInTheDocument();
    rerender(
      <MessageItem
        item={makeItem({ key: "a", content: "Hello world", status: "streaming" })}
        isLatest
        canEscalate
        {...handlers}
      />,
    );
    expect(await screen.findByText("Hello world")).toBeInTheDocument();
    // No sources, feedback or suggestions until the reply is complete.
    expect(screen.queryByRole("group", { name: "Was this answer useful?" })).toBeNull();
    rerender(
      <MessageItem
        item={makeItem({ key: "a", content: "Hello world", status: "streaming", stopped: true })}
        isLatest
        canEscalate
        {...handlers}
      />,
    );
    expect(screen.getByText("You stopped waiting for this reply.")).toBeInTheDocument();
  });

  test("lists sources with safe links and excerpts", async () => {
    const user = userEvent.setup();
    renderItem({ item: answer });
    const sources = screen.getByRole("list", { name: "Sources" });
    const items = within(sources).getAllByRole("listitem");
    expect(items).toHaveLength(3);
    const link = within(sources).getByRole("link", { name: /Reset a password/ });
    expect(link).toHaveAttribute("href", "https://help.example.com/reset");
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noopener noreferrer");
    expect(within(sources).getByText("Offline article").closest("a")).toBeNull();
    expect(within(sources).getByText("Bad link").closest("a")).toBeNull();
    const excerpt = within(sources).getByText("Show excerpt");
    expect(excerpt.closest("details")).not.toHaveAttribute("open");
    await user.click(excerpt);
    expect(excerpt.closest("details")).toHaveAttribute("open");
    expect(within(sources).getByText("Go to Setup.")).toBeVisible();
  });

  test("suggested replies send their text", async () => {
    const user = userEvent.setup();
    const { handlers } = renderItem({ item: answer });
    const group = screen.getByRole("group", { name: "Suggested replies" });
    await user.click(within(group).getByRole("button", { name: "Show me more" }));
    expect(handlers.onQuickReply).toHaveBeenCalledWith("Show me more");
  });

  test("feedback buttons show the rating and report a new one", async () => {
    const user = userEvent.setup();
    const { handlers } = renderItem({ item: { ...answer, rating: "up" } });
    expect(screen.getByRole("button", { name: "Helpful" })).toHaveAttribute("aria-pressed", "true");
    const notHelpful = screen.getByRole("button", { name: "Not helpful" });
    expect(notHelpful).toHaveAttribute("aria-pressed", "false");
    await user.click(notHelpful);
    expect(handlers.onRate).toHaveBeenCalledWith("a1", "down");
  });

  test("offers a person when the assistant suggests it", async () => {
    const user = userEvent.setup();
    const { handlers } = renderItem({ item: answer });
    await user.click(screen.getByRole("button", { name: "Yes, talk to a person" }));
    expect(handlers.onEscalate).toHaveBeenCalled();
  });

  test("older answers and closed conversations show no suggestions or hand-off", () => {
    const { rerender, handlers } = renderItem({ item: answer, isLatest: false });
    expect(screen.queryByRole("group", { name: "Suggested replies" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Yes, talk to a person" })).toBeNull();
    expect(screen.getByRole("list", { name: "Sources" })).toBeInTheDocument();
    rerender(<MessageItem item={answer} isLatest canEscalate={false} {...handlers} />);
    expect(screen.getByRole("group", { name: "Suggested replies" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Yes, talk to a person" })).toBeNull();
  });

  test("a reply without a server id has no feedback buttons", () => {
    renderItem({ item: { ...answer, id: null } });
    expect(screen.queryByRole("button", { name: "Helpful" })).toBeNull();
  });
});
