import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test, vi } from "vitest";
import { ConnectionBanner, ConnectionBannerView } from "./ConnectionBanner";

const connection = vi.hoisted(() => ({ state: "reconnecting", reconnectNow: vi.fn() }));
vi.mock("../../hooks/useWebSocket", () => ({
  useConnection: () => ({
    state: connection.state,
    nextRetryAt: null,
    reconnectNow: connection.reconnectNow,
  }),
}));

describe("ConnectionBannerView", () => {
  test.each([
    ["connecting", "Connecting…"],
    ["reconnecting", "Reconnecting… Your messages are safe."],
    ["offline", "You are offline. We will send your messages when you are back."],
  ] as const)("%s shows a status", (state, text) => {
    render(<ConnectionBannerView state={state} onRetry={vi.fn()} />);
    expect(screen.getByRole("status")).toHaveTextContent(text);
  });

  test.each(["open", "idle"] as const)("%s shows nothing", (state) => {
    const { container } = render(<ConnectionBannerView state={state} onRetry={vi.fn()} />);
    expect(container).toBeEmptyDOMElement();
  });

  test("only reconnecting offers Try now", () => {
    render(<ConnectionBannerView state="offline" onRetry={vi.fn()} />);
    expect(screen.queryByRole("button", { name: "Try now" })).not.toBeInTheDocument();
  });
});

test("Try now reconnects", async () => {
  render(<ConnectionBanner />);
  await userEvent.click(screen.getByRole("button", { name: "Try now" }));
  expect(connection.reconnectNow).toHaveBeenCalledOnce();
});
