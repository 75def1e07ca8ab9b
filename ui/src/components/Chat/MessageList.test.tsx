import { act, fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { makeItem, manyMessages, sampleConversation } from "./fixtures";
import { MessageList, type MessageListProps } from "./MessageList";
import { mockLayout, renderWithStore } from "./testing";

beforeEach(mockLayout);

function renderList(props: Partial<MessageListProps> = {}) {
  const handlers = {
    onRetry: vi.fn(),
    onQuickReply: vi.fn(),
    onRate: vi.fn(),
    onEscalate: vi.fn(),
    onLoadOlder: vi.fn(),
  };
  const result = renderWithStore(
    <MessageList
      items={sampleConversation()}
      isLoadingHistory={false}
      hasOlder={false}
      canEscalate
      {...handlers}
      {...props}
    />,
  );
  return { ...result, handlers };
}

describe("MessageList", () => {
  test("is a labelled region holding a feed of articles named by author", () => {
    renderList();
    const region = screen.getByRole("region", { name: "Messages" });
    const feed = within(region).getByRole("feed");
    expect(feed).toHaveAttribute("aria-busy", "false");
    const articles = within(feed).getAllByRole("article");
    expect(articles.map((article) => article.getAttribute("aria-setsize"))).toEqual(
      Array(articles.length).fill("5"),
    );
    expect(screen.getAllByRole("article", { name: "You" })[0]).toHaveAttribute("aria-posinset", "2");
    expect(screen.getAllByRole("article", { name: "Assistant" })).toHaveLength(2);
    expect(screen.getByRole("article", { name: "System" })).toBeInTheDocument();
    expect(region).not.toHaveAttribute("aria-live");
  });

  test("renders only a window of 10,000 messages", () => {
    renderList({ items: manyMessages(10_000) });
    const articles = screen.getAllByRole("article");
    expect(articles.length).toBeGreaterThan(0);
    expect(articles.length).toBeLessThan(40);
    // It opens at the newest message.
    expect(articles.at(-1)).toHaveAttribute("aria-posinset", "10000");
    expect(screen.getByText(/^Answer 10000\./)).toBeInTheDocument();
    expect(screen.queryByText("Question 1")).toBeNull();
  });

  test("exactly one message is in the Tab order, and Page Up / Page Down move between messages", async () => {
    const user = userEvent.setup();
    renderList();
    const articles = screen.getAllByRole("article");
    const tabbable = articles.filter((article) => article.tabIndex === 0);
    expect(tabbable).toHaveLength(1);
    expect(tabbable[0]).toHaveAttribute("aria-posinset", "5");
    act(() => tabbable[0]?.focus());
    await user.keyboard("{PageUp}");
    expect(document.activeElement).toHaveAttribute("aria-posinset", "4");
    await user.keyboard("{Home}");
    expect(document.activeElement).toHaveAttribute("aria-posinset", "1");
    await user.keyboard("{PageUp}");
    expect(document.activeElement).toHaveAttribute("aria-posinset", "1");
    await user.keyboard("{End}");
    expect(document.activeElement).toHaveAttribute("aria-posinset", "5");
    await user.keyboard("{PageDown}");
    expect(document.activeElement).toHaveAttribute("aria-posinset", "5");
    // Other keys are left alone.
    await user.keyboard("a");
    expect(document.activeElement).toHaveAttribute("aria-posinset", "5");
  });

  test("Page Up scrolls an unrendered message into the window and focuses it", async () => {
    const user = userEvent.setup();
    renderList({ items: manyMessages(200) });
    const last = screen.getAllByRole("article").at(-1);
    act(() => last?.focus());
    for (let step = 0; step < 20; step += 1) await user.keyboard("{PageUp}");
    expect(document.activeElement).toHaveAttribute("aria-posinset", "180");
  });

  test("offers a jump to the latest message when scrolled up", async () => {
    const user = userEvent.setup();
    renderList({ items: manyMessages(50) });
    expect(screen.queryByRole("button", { name: "Jump to the latest message" })).toBeNull();
    const scroller = screen.getByRole("feed").parentElement;
    if (!scroller) throw new Error("no scroll container");
    scroller.scrollTop = 1000;
    fireEvent.scroll(scroller);
    await user.click(screen.getByRole("button", { name: "Jump to the latest message" }));
    expect(screen.queryByRole("button", { name: "Jump to the latest message" })).toBeNull();
    expect(document.activeElement).toHaveAttribute("aria-posinset", "50");
  });

  test("loads older messages from the button and near the top", async () => {
    const user = userEvent.setup();
    const { handlers, rerender } = renderList({ hasOlder: true, items: manyMessages(30) });
    expect(screen.getAllByRole("article")[0]).toHaveAttribute("aria-setsize", "-1");
    handlers.onLoadOlder.mockClear();
    await user.click(screen.getByRole("button", { name: "Show earlier messages" }));
    expect(handlers.onLoadOlder).toHaveBeenCalledTimes(1);
    const scroller = screen.getByRole("feed").parentElement;
    if (!scroller) throw new Error("no scroll container");
    // Near the top it asks once per list length, however many scroll events arrive.
    rerender(
      <MessageList items={manyMessages(40)} isLoadingHistory={false} hasOlder canEscalate {...handlers} />,
    );
    scroller.scrollTop = 100;
    fireEvent.scroll(scroller);
    fireEvent.scroll(scroller);
    expect(handlers.onLoadOlder).toHaveBeenCalledTimes(2);
    rerender(
      <MessageList items={sampleConversation()} isLoadingHistory hasOlder canEscalate {...handlers} />,
    );
    expect(screen.getByRole("button", { name: "Loading earlier messages…" })).toBeDisabled();
    expect(screen.getByRole("feed")).toHaveAttribute("aria-busy", "true");
  });

  test("shows the empty state without a feed", () => {
    renderList({ items: [], empty: <p>Nothing yet</p> });
    expect(screen.getByText("Nothing yet")).toBeInTheDocument();
    expect(screen.queryByRole("feed")).toBeNull();
  });

  test("a newly sent message keeps the list working", () => {
    const { rerender, handlers } = renderList({ items: manyMessages(10) });
    const items = [
      ...manyMessages(10),
      makeItem({ key: "new", role: "user", status: "sending", content: "Fresh question", id: null }),
    ];
    rerender(
      <MessageList items={items} isLoadingHistory={false} hasOlder={false} canEscalate {...handlers} />,
    );
    expect(screen.getByText("Fresh question")).toBeInTheDocument();
  });
});
