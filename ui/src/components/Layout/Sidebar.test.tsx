import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test, vi } from "vitest";
import { makeConversation } from "../../testing/fixtures";
import { Sidebar, SidebarView, type SidebarViewProps } from "./Sidebar";

const list = vi.hoisted(() => ({ loadMore: vi.fn() }));
vi.mock("../../hooks/useConversations", async () => {
  const { makeConversation: make } = await import("../../testing/fixtures");
  return {
    useConversations: () => ({
      conversations: [make({ id: "a", title: "From the hook" })],
      isLoading: false,
      error: null,
      hasMore: true,
      loadMore: list.loadMore,
    }),
  };
});

const conversations = [
  makeConversation({ id: "one", title: "Reset my password" }),
  makeConversation({ id: "two", title: "", status: "escalated", created_at: "2026-11-20T09:00:00Z" }),
];

function renderView(props: Partial<SidebarViewProps> = {}) {
  const onOpen = vi.fn();
  const onLoadMore = vi.fn();
  render(
    <SidebarView
      conversations={conversations}
      isLoading={false}
      error={null}
      hasMore={false}
      onLoadMore={onLoadMore}
      currentId="one"
      onOpen={onOpen}
      {...props}
    />,
  );
  return { onOpen, onLoadMore };
}

describe("SidebarView", () => {
  test("lists conversations as links and marks the open one", () => {
    renderView();
    const nav = screen.getByRole("navigation", { name: "Conversations" });
    const links = within(nav).getAllByRole("link");
    expect(links).toHaveLength(2);
    expect(links[0]).toHaveAccessibleName(/Reset my password/);
    expect(links[0]).toHaveAttribute("aria-current", "page");
    expect(links[0]).toHaveAttribute("href", "/c/one");
    expect(links[1]).not.toHaveAttribute("aria-current");
    expect(links[1]).toHaveTextContent("Chat from Nov 20, 2026");
    expect(links[1]).toHaveTextContent("With a person");
  });

  test("a click opens in place; a modified click is left to the browser", async () => {
    const { onOpen } = renderView();
    await userEvent.click(screen.getByRole("link", { name: /Reset my password/ }));
    expect(onOpen).toHaveBeenCalledWith("one");
    onOpen.mockClear();
    fireEvent.click(screen.getByRole("link", { name: /Reset my password/ }), { ctrlKey: true });
    expect(onOpen).not.toHaveBeenCalled();
  });

  test("New conversation opens an empty one", async () => {
    const { onOpen } = renderView();
    await userEvent.click(screen.getByRole("button", { name: "New conversation" }));
    expect(onOpen).toHaveBeenCalledWith(null);
  });

  test("loading, empty, error and more", async () => {
    const { onLoadMore } = renderView({ conversations: [], isLoading: true, hasMore: true });
    expect(screen.getByRole("status")).toHaveTextContent("Loading conversations…");
    await userEvent.click(screen.getByRole("button", { name: "Show more" }));
    expect(onLoadMore).toHaveBeenCalledOnce();
  });

  test("empty list", () => {
    renderView({ conversations: [] });
    expect(screen.getByText("No conversations yet.")).toBeInTheDocument();
  });

  test("an error is an alert", () => {
    renderView({ conversations: [], error: new Error("boom") });
    expect(screen.getByRole("alert")).toHaveTextContent("We could not load your conversations.");
  });
});

test("Sidebar reads useConversations", async () => {
  render(<Sidebar currentId={null} onOpen={vi.fn()} />);
  expect(screen.getByRole("link", { name: /From the hook/ })).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Show more" }));
  expect(list.loadMore).toHaveBeenCalledOnce();
});
