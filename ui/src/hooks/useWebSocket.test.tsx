import { act, waitFor } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import { renderHookWithProviders } from "../testing/renderWithProviders";
import { useConnection } from "./useWebSocket";

describe("useConnection", () => {
  test("follows the socket's state and announces loss and return", async () => {
    const { result, services } = renderHookWithProviders(() => useConnection(), { random: () => 1 });
    await waitFor(() => {
      expect(result.current.state).toBe("open");
    });
    expect(result.current.nextRetryAt).toBeNull();
    act(() => {
      services.socketServer.last.drop(1006);
    });
    expect(result.current.state).toBe("reconnecting");
    expect(result.current.nextRetryAt).toEqual(expect.any(Number));
    expect(services.store.getState().ui.announcement?.text).toBe("Connection lost. Reconnecting…");
    act(() => {
      result.current.reconnectNow();
    });
    await waitFor(() => {
      expect(result.current.state).toBe("open");
    });
    expect(services.store.getState().ui.announcement?.text).toBe("Connected again.");
  });

  test("is idle when signed out", () => {
    const { result } = renderHookWithProviders(() => useConnection(), { auth: "signedOut" });
    expect(result.current.state).toBe("idle");
  });
});
