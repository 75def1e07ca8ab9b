import { screen } from "@testing-library/react";
import { afterEach, beforeAll, expect, test } from "vitest";
import { renderAsAdmin } from "../features/admin/testing";
import { navigate } from "../lib/useHistoryPath";
import { guestUser } from "../testing/fixtures";
import { SignedIn } from "./SignedIn";

beforeAll(async () => {
  // The admin screen is a lazy chunk: load it once up front, so a busy machine does not race the first click.
  await import("../features/admin/AdminPage");
});

afterEach(() => {
  navigate("/", { replace: true });
});

test("an admin sees the way in to the model screen, and the link opens it without a page load", async () => {
  const { user } = renderAsAdmin(<SignedIn />);
  const link = screen.getByRole("link", { name: "Manage models" });
  expect(link).toHaveAttribute("href", "/admin");
  await user.click(link);
  expect(window.location.pathname).toBe("/admin");
  expect(await screen.findByRole("heading", { level: 1, name: "Manage models" })).toBeInTheDocument();
  await user.click(screen.getByRole("link", { name: "Back to the chat" }));
  expect(window.location.pathname).toBe("/");
  expect(screen.getByRole("textbox", { name: "Message" })).toBeInTheDocument();
});

test("anyone else never sees it, even at /admin", () => {
  navigate("/admin", { replace: true });
  renderAsAdmin(<SignedIn />, { user: guestUser });
  expect(screen.queryByRole("link", { name: "Manage models" })).toBeNull();
  expect(screen.queryByRole("heading", { name: "Manage models" })).toBeNull();
  expect(screen.getByRole("textbox", { name: "Message" })).toBeInTheDocument();
});
