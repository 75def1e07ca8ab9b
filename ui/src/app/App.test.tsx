import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { makeStore } from "../store";
import { announce } from "../store/slices/uiSlice";
import { App, Shell } from "./App";
import { CrashScreen, ErrorBoundary } from "./ErrorBoundary";
import { Provider } from "react-redux";

type Status = "restoring" | "signedOut" | "signedIn";
const auth = vi.hoisted((): { status: Status } => ({ status: "signedIn" }));
const chatWindow = vi.hoisted(() => ({ props: [] as { conversationId: string | null }[] }));

vi.mock("../hooks/useAuth", () => ({
  useAuth: () => ({
    status: auth.status,
    user: null,
    startAsGuest: vi.fn(() => Promise.resolve()),
    signIn: vi.fn(),
    register: vi.fn(),
    signOut: vi.fn(),
  }),
}));
vi.mock("../hooks/useChat", () => ({
  useChat: () => ({ items: [], conversation: null, escalate: vi.fn(), close: vi.fn() }),
}));
vi.mock("../hooks/useWebSocket", () => ({
  useConnection: () => ({ state: "reconnecting", nextRetryAt: null, reconnectNow: vi.fn() }),
}));
vi.mock("../hooks/useConversations", () => ({
  useConversations: () => ({
    conversations: [],
    isLoading: false,
    error: null,
    hasMore: false,
    loadMore: vi.fn(),
  }),
}));
vi.mock("../components/Chat/ChatWindow", () => ({
  ChatWindow: (props: { conversationId: string | null; onConversationCreated: (id: string) => void }) => {
    chatWindow.props.push(props);
    return (
      <>
        <textarea id="composer" aria-label="Message" />
        <p>Open: {props.conversationId ?? "new"}</p>
        <button type="button" onClick={() => props.onConversationCreated("new-id")}>
          Send first
        </button>
      </>
    );
  },
}));
vi.mock("./AppProviders", async () => {
  const { Provider: ReduxProvider } = await import("react-redux");
  const { makeStore: make } = await import("../store");
  const store = make();
  return {
    AppProviders: ({ children }: { children: React.ReactNode }) => (
      <ReduxProvider store={store}>{children}</ReduxProvider>
    ),
  };
});

afterEach(() => {
  auth.status = "signedIn";
  window.history.replaceState(null, "", "/");
  delete document.documentElement.dataset.theme;
});

function renderShell(store = makeStore()) {
  return {
    store,
    ...render(
      <Provider store={store}>
        <Shell />
      </Provider>,
    ),
  };
}

// The signed-in screens are a lazy chunk; importing it once here keeps each test's wait short.
beforeAll(async () => {
  await import("./SignedIn");
});

describe("App", () => {
  test("restoring shows a loading status", () => {
    auth.status = "restoring";
    render(<App />);
    expect(screen.getByRole("status")).toHaveTextContent("Loading…");
  });

  test("signed out shows the welcome page", () => {
    auth.status = "signedOut";
    render(<App />);
    expect(screen.getByRole("heading", { name: "How can we help?" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Start as a guest" })).toBeInTheDocument();
  });

  test("signed in shows the layout, applies the display preferences, and the banner", async () => {
    render(<App services={{} as never} />);
    expect(await screen.findByRole("link", { name: "Skip to the message box" })).toBeInTheDocument();
    expect(screen.getByRole("banner")).toBeInTheDocument();
    // The chat screen is a lazy chunk: a loading status first, then the chat.
    expect(await within(screen.getByRole("main")).findByText("Open: new")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Reconnecting… Your messages are safe.");
    expect(document.documentElement.dataset.theme).toMatch(/light|dark/);
  });
});

describe("the URL holds the open conversation", () => {
  test("/c/<id> opens it, and the first send gives a new chat its URL", async () => {
    window.history.replaceState(null, "", "/c/abc");
    renderShell();
    expect(await within(screen.getByRole("main")).findByText("Open: abc")).toBeInTheDocument();
    act(() => {
      window.history.pushState(null, "", "/");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    expect(screen.getByRole("main")).toHaveTextContent("Open: new");
    const length = window.history.length;
    await userEvent.click(screen.getByRole("button", { name: "Send first" }));
    expect(window.location.pathname).toBe("/c/new-id");
    expect(window.history.length).toBe(length);
    expect(screen.getByRole("main")).toHaveTextContent("Open: new-id");
  });

  test("New conversation goes back to /", async () => {
    window.history.replaceState(null, "", "/c/abc");
    renderShell();
    await within(screen.getByRole("main")).findByText("Open: abc");
    await userEvent.click(screen.getByRole("button", { name: "New conversation" }));
    expect(window.location.pathname).toBe("/");
  });
});

describe("the live region", () => {
  test("there is exactly one, and it reads each announcement, even a repeat", () => {
    const { store, container } = renderShell();
    const regions = container.querySelectorAll("[aria-live]");
    expect(regions).toHaveLength(1);
    const region = regions[0];
    expect(region).toHaveAttribute("aria-live", "polite");
    expect(region).toHaveAttribute("aria-atomic", "true");
    expect(region).toHaveClass("sr-only");
    act(() => {
      store.dispatch(announce("Connected again."));
    });
    const first = region?.firstElementChild;
    expect(region).toHaveTextContent("Connected again.");
    act(() => {
      store.dispatch(announce("Connected again."));
    });
    expect(region?.firstElementChild).not.toBe(first);
  });
});

describe("ErrorBoundary", () => {
  function Boom(): never {
    throw new Error("boom");
  }

  test("shows a translated message and a Reload button", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const onReload = vi.fn();
    render(
      <ErrorBoundary onReload={onReload}>
        <Boom />
      </ErrorBoundary>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Something went wrong and the page stopped working.");
    await userEvent.click(screen.getByRole("button", { name: "Reload" }));
    expect(onReload).toHaveBeenCalledOnce();
  });

  test("reloads the page by default", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const reload = vi.fn();
    vi.stubGlobal("location", { reload });
    try {
      render(
        <ErrorBoundary>
          <Boom />
        </ErrorBoundary>,
      );
      await userEvent.click(screen.getByRole("button", { name: "Reload" }));
      expect(reload).toHaveBeenCalledOnce();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test("CrashScreen alone", () => {
    render(<CrashScreen onReload={vi.fn()} />);
    expect(screen.getByRole("heading", { level: 1 })).toBeInTheDocument();
  });
});
