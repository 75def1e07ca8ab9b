import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, expect, test, vi } from "vitest";
import { ApiError } from "../../services/api";
import { Welcome, WelcomeView } from "./Welcome";

const auth = vi.hoisted(() => ({
  startAsGuest: vi.fn(() => Promise.resolve()),
  signIn: vi.fn(() => Promise.resolve()),
  register: vi.fn(() => Promise.resolve()),
}));
vi.mock("../../hooks/useAuth", () => ({ useAuth: () => auth }));
const focus = vi.hoisted(() => vi.fn());
vi.mock("../../lib/focusWhenReady", () => ({ focusWhenReady: focus }));

beforeEach(() => {
  focus.mockClear();
});

function renderView() {
  const props = {
    onGuest: vi.fn(() => Promise.resolve()),
    onSignIn: vi.fn(() => Promise.resolve()),
    onRegister: vi.fn(() => Promise.resolve()),
  };
  render(<WelcomeView {...props} />);
  return props;
}

test("one click starts as a guest", async () => {
  const { onGuest } = renderView();
  expect(screen.getByRole("heading", { level: 1, name: "How can we help?" })).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Start as a guest" }));
  expect(onGuest).toHaveBeenCalledOnce();
  expect(focus).toHaveBeenCalledWith("composer");
  expect(screen.getByRole("button", { name: "Start as a guest" })).toBeDisabled();
  expect(screen.getByRole("status")).toHaveTextContent("Starting…");
});

test("a guest start that fails says why and can be tried again", async () => {
  render(
    <WelcomeView
      onGuest={() => Promise.reject(new ApiError({ status: 503, code: "service_unavailable" }))}
      onSignIn={vi.fn()}
      onRegister={vi.fn()}
    />,
  );
  await userEvent.click(screen.getByRole("button", { name: "Start as a guest" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("The service is busy.");
  expect(screen.getByRole("button", { name: "Start as a guest" })).toBeEnabled();
});

test("Sign in opens a dialog with the lazily loaded form, and can switch to Create an account", async () => {
  const { onSignIn } = renderView();
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
  const dialog = screen.getByRole("dialog", { name: "Sign in" });
  const email = await within(dialog).findByLabelText("Email");
  await userEvent.type(email, "ada@example.com");
  await userEvent.type(within(dialog).getByLabelText("Password"), "secret");
  await userEvent.click(within(dialog).getByRole("button", { name: "Sign in" }));
  expect(onSignIn).toHaveBeenCalledWith({ email: "ada@example.com", password: "secret" });
  expect(focus).toHaveBeenCalledTimes(1);

  await userEvent.click(within(dialog).getByRole("button", { name: "New here? Create an account" }));
  const register = screen.getByRole("dialog", { name: "Create an account" });
  expect(await within(register).findByLabelText("Name")).toBeInTheDocument();
  await userEvent.click(within(register).getByRole("button", { name: "Have an account? Sign in" }));
  expect(screen.getByRole("dialog", { name: "Sign in" })).toBeInTheDocument();
  await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Close" }));
  expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
});

test("Welcome wires useAuth", async () => {
  render(<Welcome />);
  await userEvent.click(screen.getByRole("button", { name: "Start as a guest" }));
  expect(auth.startAsGuest).toHaveBeenCalledOnce();
  await userEvent.click(screen.getByRole("button", { name: "Create an account" }));
  const dialog = screen.getByRole("dialog", { name: "Create an account" });
  await userEvent.type(await within(dialog).findByLabelText("Name"), "Ada");
  await userEvent.type(within(dialog).getByLabelText("Email"), "ada@example.com");
  await userEvent.type(within(dialog).getByLabelText("Password"), "correct horse battery");
  await userEvent.click(within(dialog).getByRole("button", { name: "Create an account" }));
  expect(auth.register).toHaveBeenCalledWith({
    display_name: "Ada",
    email: "ada@example.com",
    password: "correct horse battery",
  });
});

test("Welcome signs in through useAuth", async () => {
  render(<Welcome />);
  await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
  const dialog = screen.getByRole("dialog", { name: "Sign in" });
  await userEvent.type(await within(dialog).findByLabelText("Email"), "ada@example.com");
  await userEvent.type(within(dialog).getByLabelText("Password"), "secret");
  await userEvent.click(within(dialog).getByRole("button", { name: "Sign in" }));
  expect(auth.signIn).toHaveBeenCalledWith({ email: "ada@example.com", password: "secret" });
});
