import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http } from "msw";
import { describe, expect, test, vi } from "vitest";
import { ApiError } from "../../services/api";
import { errorResponse } from "../../testing/handlers";
import { renderWithProviders } from "../../testing/renderWithProviders";
import { server } from "../../testing/server";
import { RegisterForm } from "./RegisterForm";
import { SignInForm } from "./SignInForm";
import { Welcome } from "./Welcome";

describe("SignInForm", () => {
  test("empty submit: errors tied to the fields, focus on the first", async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    render(<SignInForm onSubmit={onSubmit} />);
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    const email = screen.getByLabelText("Email");
    await waitFor(() => expect(email).toHaveFocus());
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription("Enter your email.");
    expect(screen.getByLabelText("Password")).toHaveAccessibleDescription("Enter your password.");
    expect(onSubmit).not.toHaveBeenCalled();
  });

  test("a bad email is explained", async () => {
    render(<SignInForm onSubmit={vi.fn(() => Promise.resolve())} />);
    await userEvent.type(screen.getByLabelText("Email"), "ada");
    await userEvent.type(screen.getByLabelText("Password"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Enter an email like name@example.com.")).toBeInTheDocument();
  });

  test("sends the values; a server error is an alert", async () => {
    const onSubmit = vi.fn(() => Promise.reject(new ApiError({ status: 401, code: "invalid_credentials" })));
    render(<SignInForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Email"), " ada@example.com ");
    await userEvent.type(screen.getByLabelText("Password"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(onSubmit).toHaveBeenCalledWith({ email: "ada@example.com", password: "secret" });
    expect(await screen.findByRole("alert")).toHaveTextContent("The email or password is wrong.");
  });
});

describe("RegisterForm", () => {
  test("asks for a name and a 12-character password", async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    render(<RegisterForm onSubmit={onSubmit} />);
    const password = screen.getByLabelText("Password");
    expect(password).toHaveAccessibleDescription("Use at least 12 characters.");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(password, "short");
    await userEvent.click(screen.getByRole("button", { name: "Create an account" }));
    const name = screen.getByLabelText("Name");
    await waitFor(() => expect(name).toHaveFocus());
    expect(name).toHaveAccessibleDescription("Enter your name.");
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(password).toHaveAccessibleDescription("Use at least 12 characters. Use at least 12 characters.");
    expect(onSubmit).not.toHaveBeenCalled();
  });

  test("sends the values; email taken is an alert", async () => {
    const onSubmit = vi.fn(() => Promise.reject(new ApiError({ status: 409, code: "email_taken" })));
    render(<RegisterForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Name"), "Ada");
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "correct horse battery");
    await userEvent.click(screen.getByRole("button", { name: "Create an account" }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: "Ada",
      email: "ada@example.com",
      password: "correct horse battery",
    });
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "There is already an account with this email.",
    );
  });
});

describe("too many attempts (429 with Retry-After)", () => {
  /** The Welcome page on real services: the request goes through the API client to MSW. */
  function renderSignedOut(path: "login" | "register", code: string, retryAfter: string) {
    const sleep = vi.fn(() => Promise.resolve());
    const requests = vi.fn();
    const rendered = renderWithProviders(<Welcome />, { auth: "signedOut", sleep });
    // After the render: its fake backend's handlers were just installed, and the newest handler wins.
    server.use(
      http.post(`*/api/v1/auth/${path}`, () => {
        requests();
        return errorResponse(429, code, { "Retry-After": retryAfter });
      }),
    );
    return { ...rendered, sleep, requests };
  }

  test("sign-in says at once how many minutes to wait, as an alert, without a retry", async () => {
    const { user, sleep, requests, services } = renderSignedOut("login", "too_many_attempts", "900");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    const dialog = screen.getByRole("dialog", { name: "Sign in" });
    await user.type(await within(dialog).findByLabelText("Email"), "ada@example.com");
    await user.type(within(dialog).getByLabelText("Password"), "wrong password{Enter}");
    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("Too many attempts. Try again in 15 minutes.");
    expect(requests).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
    // The button is back at once (not "Signing in…" while a retry waits), reachable, and reads the wait.
    const submit = within(dialog).getByRole("button", { name: "Sign in" });
    expect(submit).toBeEnabled();
    expect(submit).toHaveAccessibleDescription("Too many attempts. Try again in 15 minutes.");
    expect(services.store.getState().auth.status).toBe("signedOut");
  });

  test("61 s rounds up to 2 minutes; trying again asks the server again and raises a new alert", async () => {
    const { user, requests } = renderSignedOut("login", "too_many_attempts", "61");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    const dialog = screen.getByRole("dialog", { name: "Sign in" });
    await user.type(await within(dialog).findByLabelText("Email"), "ada@example.com");
    await user.type(within(dialog).getByLabelText("Password"), "wrong password");
    await user.click(within(dialog).getByRole("button", { name: "Sign in" }));
    const first = await within(dialog).findByRole("alert");
    expect(first).toHaveTextContent("Too many attempts. Try again in 2 minutes.");
    // A fresh alert element (not the same text left in place), so a screen reader announces it again.
    await user.click(within(dialog).getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(requests).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(within(dialog).getByRole("alert")).not.toBe(first));
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Too many attempts. Try again in 2 minutes.");
  });

  test("register: a rate_limited 429 also shows the wait without a retry", async () => {
    const { user, sleep, requests } = renderSignedOut("register", "rate_limited", "30");
    await user.click(screen.getByRole("button", { name: "Create an account" }));
    const dialog = screen.getByRole("dialog", { name: "Create an account" });
    await user.type(await within(dialog).findByLabelText("Name"), "Ada");
    await user.type(within(dialog).getByLabelText("Email"), "ada@example.com");
    await user.type(within(dialog).getByLabelText("Password"), "correct horse battery");
    await user.click(within(dialog).getByRole("button", { name: "Create an account" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "Too many attempts. Try again in 1 minute.",
    );
    expect(requests).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
    expect(within(dialog).getByRole("button", { name: "Create an account" })).toHaveAccessibleDescription(
      "Too many attempts. Try again in 1 minute.",
    );
  });

  test("without Retry-After the form says to wait a few minutes", async () => {
    const onSubmit = vi.fn(() => Promise.reject(new ApiError({ status: 429, code: "too_many_attempts" })));
    render(<SignInForm onSubmit={onSubmit} />);
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "secret");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Too many sign-in attempts. Wait a few minutes and try again.",
    );
  });
});
