import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { render } from "@testing-library/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import { ApiError } from "../../services/api";
import { conversation, escalatedConversation, makeConversation } from "../../testing/fixtures";
import { Header, HeaderView, type HeaderViewProps } from "./Header";
import { renderWithStore } from "./testUtils";

const chat = vi.hoisted(() => ({
  escalate: vi.fn(() => Promise.resolve()),
  close: vi.fn(() => Promise.resolve()),
  signOut: vi.fn(),
  items: [] as { role: "user"; content: string; createdAt: string; status: string; stopped: boolean }[],
}));
vi.mock("../../hooks/useChat", async () => {
  const { conversation: open } = await import("../../testing/fixtures");
  return {
    useChat: () => ({ items: chat.items, conversation: open, escalate: chat.escalate, close: chat.close }),
  };
});
vi.mock("../../hooks/useAuth", () => ({
  useAuth: () => ({ user: { display_name: "Ada" }, signOut: chat.signOut }),
}));

afterEach(() => {
  chat.items = [];
});

function renderView(props: Partial<HeaderViewProps> = {}) {
  const handlers = {
    onEscalate: vi.fn(() => Promise.resolve()),
    onEnd: vi.fn(() => Promise.resolve()),
    onDownload: vi.fn(),
    onOpenSettings: vi.fn(),
    onOpenConversations: vi.fn(),
    onSignOut: vi.fn(),
  };
  render(<HeaderView conversation={conversation} userName="Ada" canDownload {...handlers} {...props} />);
  return handlers;
}

describe("HeaderView", () => {
  test("is the banner with the product name and every action", () => {
    renderView();
    const banner = screen.getByRole("banner");
    expect(banner).toHaveTextContent("csagent");
    for (const name of [
      "Conversations",
      "Talk to a person",
      "End conversation",
      "Download transcript",
      "Settings",
      "Sign out",
    ]) {
      expect(within(banner).getByRole("button", { name })).toBeEnabled();
    }
    expect(screen.queryByText(/Case/)).not.toBeInTheDocument();
  });

  test("escalated: shows the case and status, and Talk to a person is off", () => {
    renderView({ conversation: escalatedConversation });
    expect(screen.getByText("Case 00001027")).toBeInTheDocument();
    expect(screen.getByText("With a person")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Talk to a person" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "End conversation" })).toBeEnabled();
  });

  test.each([
    ["queued", "Waiting to reach our team"],
    ["new", "Received by our team"],
    ["open", "In progress"],
    ["closed", "Case closed"],
  ] as const)("a %s case says so beside its number", (status, text) => {
    const handedOff = makeConversation({
      status: "escalated",
      case: { id: "c", number: "00001027", url: null, status },
    });
    renderView({ conversation: handedOff });
    expect(screen.getByText("Case 00001027")).toBeInTheDocument();
    expect(screen.getByText(text)).toBeInTheDocument();
  });

  test("resolved: nothing left to end or escalate", () => {
    renderView({ conversation: makeConversation({ status: "resolved" }) });
    expect(screen.getByText("Ended")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Talk to a person" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "End conversation" })).toBeDisabled();
  });

  test("a new conversation cannot be escalated, ended or downloaded yet", () => {
    renderView({ conversation: null, canDownload: false });
    expect(screen.getByRole("button", { name: "Talk to a person" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "End conversation" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Download transcript" })).toBeDisabled();
  });

  test("Talk to a person escalates; a failure is an alert", async () => {
    const onEscalate = vi.fn(() =>
      Promise.reject(new ApiError({ status: 409, code: "conversation_closed" })),
    );
    renderView({ onEscalate });
    await userEvent.click(screen.getByRole("button", { name: "Talk to a person" }));
    expect(onEscalate).toHaveBeenCalledOnce();
    expect(await screen.findByRole("alert")).toHaveTextContent("This chat has ended.");
  });

  test("End conversation asks first; Cancel keeps it", async () => {
    const { onEnd } = renderView();
    const opener = screen.getByRole("button", { name: "End conversation" });
    await userEvent.click(opener);
    const dialog = screen.getByRole("dialog", { name: "End this conversation?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(onEnd).not.toHaveBeenCalled();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  test("End conversation confirmed ends it", async () => {
    const { onEnd } = renderView();
    await userEvent.click(screen.getByRole("button", { name: "End conversation" }));
    const dialog = screen.getByRole("dialog", { name: "End this conversation?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "End conversation" }));
    expect(onEnd).toHaveBeenCalledOnce();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  test("the other buttons call their handlers", async () => {
    const handlers = renderView();
    await userEvent.click(screen.getByRole("button", { name: "Download transcript" }));
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    await userEvent.click(screen.getByRole("button", { name: "Conversations" }));
    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(handlers.onDownload).toHaveBeenCalledOnce();
    expect(handlers.onOpenSettings).toHaveBeenCalledOnce();
    expect(handlers.onOpenConversations).toHaveBeenCalledOnce();
    expect(handlers.onSignOut).toHaveBeenCalledOnce();
  });
});

describe("Header", () => {
  test("wires escalate, end (announced), settings, drawer and sign out", async () => {
    const { store } = renderWithStore(<Header conversationId={conversation.id} />);
    await userEvent.click(screen.getByRole("button", { name: "Talk to a person" }));
    expect(chat.escalate).toHaveBeenCalledOnce();

    await userEvent.click(screen.getByRole("button", { name: "End conversation" }));
    await userEvent.click(
      within(screen.getByRole("dialog", { name: "End this conversation?" })).getByRole("button", {
        name: "End conversation",
      }),
    );
    expect(chat.close).toHaveBeenCalledOnce();
    expect(store.getState().ui.announcement?.text).toBe("The conversation has ended.");

    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    expect(screen.getByRole("dialog", { name: "Settings" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Conversations" }));
    expect(store.getState().ui.sidebarOpen).toBe(true);

    window.history.replaceState(null, "", "/c/abc");
    await userEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(chat.signOut).toHaveBeenCalledOnce();
    expect(window.location.pathname).toBe("/");
  });

  test("the tab title names the open conversation", () => {
    renderWithStore(<Header conversationId={conversation.id} />);
    expect(document.title).toBe("Reset my password – csagent");
  });

  test("Download transcript saves a Markdown file", async () => {
    chat.items = [
      {
        role: "user",
        content: "Hello",
        createdAt: "2026-11-27T09:00:00Z",
        status: "complete",
        stopped: false,
      },
    ];
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const createObjectURL = vi.fn<(blob: Blob) => string>(() => "blob:x");
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    try {
      renderWithStore(<Header conversationId={conversation.id} />);
      await userEvent.click(screen.getByRole("button", { name: "Download transcript" }));
      expect(click).toHaveBeenCalledOnce();
      const blob = createObjectURL.mock.calls[0]?.[0];
      expect(await blob?.text()).toContain("Hello");
      act(() => {
        vi.runAllTimers();
      });
    } finally {
      vi.useRealTimers();
    }
  });
});
