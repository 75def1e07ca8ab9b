import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test, vi } from "vitest";
import { ApiError } from "../../services/api";
import { RegisterForm } from "./RegisterForm";
import { SignInForm } from "./SignInForm";

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
