import { act, waitFor } from "@testing-library/react";
import { describe, expect, test } from "vitest";
import { errorMessage } from "../services/api";
import { setLanguage } from "../store/slices/uiSlice";
import { renderHookWithProviders } from "../testing/renderWithProviders";
import { useAuth } from "./useAuth";

describe("useAuth", () => {
  test("start as a guest in the UI language, then sign out", async () => {
    const { result, services } = renderHookWithProviders(() => useAuth(), { auth: "signedOut" });
    expect(result.current).toMatchObject({ status: "signedOut", user: null });
    act(() => {
      services.store.dispatch(setLanguage("de"));
    });
    await act(() => result.current.startAsGuest());
    expect(result.current.status).toBe("signedIn");
    expect(result.current.user?.language).toBe("de");
    await waitFor(() => {
      expect(services.socket.getSnapshot().state).toBe("open");
    });
    act(() => {
      result.current.signOut();
    });
    expect(result.current).toMatchObject({ status: "signedOut", user: null });
    expect(services.socket.getSnapshot().state).toBe("idle");
  });

  test("sign in and register throw ApiError with the contract code", async () => {
    const { result } = renderHookWithProviders(() => useAuth(), { auth: "signedOut" });
    const wrong = await result.current
      .signIn({ email: "a@example.com", password: "nope nope nope" })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ status: 401, code: "invalid_credentials" });
    expect(errorMessage(wrong)).toBe("The email or password is wrong.");
    await act(() =>
      result.current.register({ email: "ada@example.com", password: "a long password", display_name: "Ada" }),
    );
    expect(result.current.user?.display_name).toBe("Ada");
    act(() => {
      result.current.signOut();
    });
    const taken = await result.current
      .register({ email: "ada@example.com", password: "a long password", display_name: "Ada" })
      .catch((e: unknown) => e);
    expect(taken).toMatchObject({ status: 409, code: "email_taken" });
    await act(() => result.current.signIn({ email: "ada@example.com", password: "a long password" }));
    expect(result.current.status).toBe("signedIn");
  });
});
