import { render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, test, vi } from "vitest";
import { useAuth } from "../hooks/useAuth";
import { useServices } from "../hooks/useServices";
import { SESSION_STORAGE_KEY } from "../services/session";
import { FakeBackend } from "../testing/backend";
import { FakeChatServer } from "../testing/fakeSocket";
import { restHandlers } from "../testing/handlers";
import { renderWithProviders } from "../testing/renderWithProviders";
import { server } from "../testing/server";
import { AppProviders } from "./AppProviders";

function Who() {
  const { status, user } = useAuth();
  return (
    <p>
      {status} {user?.display_name ?? "nobody"}
    </p>
  );
}

afterEach(() => {
  localStorage.clear();
  vi.unstubAllGlobals();
});

describe("AppProviders", () => {
  test("without services it creates the app's own and restores a stored session", async () => {
    const backend = new FakeBackend();
    const session = backend.signedIn();
    server.use(...restHandlers(backend));
    vi.stubGlobal("WebSocket", new FakeChatServer(backend).WebSocket);
    localStorage.setItem(
      SESSION_STORAGE_KEY,
      JSON.stringify({ refresh_token: session.refresh_token, user: session.user }),
    );
    render(
      <AppProviders>
        <Who />
      </AppProviders>,
    );
    expect(screen.getByText("restoring Guest")).toBeInTheDocument();
    expect(await screen.findByText("signedIn Guest")).toBeInTheDocument();
  });

  test("renderWithProviders passes fresh services", () => {
    function Probe() {
      const services = useServices();
      return <p>{services.store.getState().auth.status}</p>;
    }
    const { services } = renderWithProviders(<Probe />);
    expect(screen.getByText("signedIn")).toBeInTheDocument();
    expect(services.backend.accessTokens.size).toBe(1);
  });

  test("useServices outside the providers says what is missing", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    function Lonely() {
      useServices();
      return null;
    }
    expect(() => render(<Lonely />)).toThrow("useServices needs <AppProviders> above it");
  });

  test("signed out without a stored session", async () => {
    render(
      <AppProviders>
        <Who />
      </AppProviders>,
    );
    await waitFor(() => {
      expect(screen.getByText("signedOut nobody")).toBeInTheDocument();
    });
  });
});
