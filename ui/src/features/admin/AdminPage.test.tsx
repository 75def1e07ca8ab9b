import { screen, waitFor, within } from "@testing-library/react";
import { http } from "msw";
import { expect, test } from "vitest";
import { AdminPage } from "./AdminPage";
import { errorResponse } from "../../testing/handlers";
import { guestUser } from "../../testing/fixtures";
import { FakeAdmin, makeVersion, scores } from "./fixtures";
import { renderAsAdmin } from "./testing";

function row(name: string) {
  return screen.getByRole("row", { name: new RegExp(`^${name.replace(".", "\\.")}`) });
}

async function table() {
  return screen.findByRole("table", { name: "Model versions" });
}

function announced(services: { store: { getState(): { ui: { announcement: { text: string } | null } } } }) {
  return services.store.getState().ui.announcement?.text;
}

test("the table shows each version's stage, share and scores, with only the actions that apply", async () => {
  renderAsAdmin(<AdminPage />);
  await table();
  const live = row("grounded@1.0");
  expect(within(live).getByText("Live")).toBeInTheDocument();
  expect(within(live).getByText("100%")).toBeInTheDocument();
  expect(within(live).getByText("85.7%")).toBeInTheDocument();
  expect(within(live).getByRole("button", { name: "Promote" })).toBeDisabled();
  expect(within(live).getByRole("button", { name: "Canary" })).toBeDisabled();
  // Nothing to return to yet: no canary, no earlier live version.
  expect(within(live).getByRole("button", { name: "Roll back" })).toBeDisabled();

  const ready = row("grounded@1.1");
  expect(within(ready).getByText("Not in use")).toBeInTheDocument();
  expect(within(ready).getByRole("button", { name: "Canary" })).toBeEnabled();
  expect(within(ready).getByRole("button", { name: "Promote" })).toBeEnabled();
  expect(within(ready).queryByRole("button", { name: "Roll back" })).toBeNull();

  const outside = row("qwen-0.5b@1");
  expect(within(outside).getAllByText("Not tested")).toHaveLength(2);
  expect(within(outside).getByRole("button", { name: "Canary" })).toBeDisabled();
  expect(screen.getByText("No changes yet.")).toBeInTheDocument();
});

test("each version's live figures of the last 24 hours are in the table, units read out in full", async () => {
  renderAsAdmin(<AdminPage />);
  const models = await table();
  expect(within(models).getByRole("columnheader", { name: "Last 24 hours" })).toBeInTheDocument();
  for (const name of ["Replies", "Failed", "Time to first word (p99)", "Ratings"]) {
    expect(within(models).getByRole("columnheader", { name })).toBeInTheDocument();
  }
  // grounded@1.0's busy day: 1,240 replies, 31 failed, 7 fallbacks, p99 1,850 ms, median 420 ms, 96 up, 11 down.
  // A cell's name is what a screen reader says for it: the full units, never "ms".
  const live = row("grounded@1.0");
  for (const name of [
    "1,240",
    "2.5% Fallbacks: 7",
    "1.9 seconds Median: 420 milliseconds",
    "96 up, 11 down",
  ]) {
    expect(within(live).getByRole("cell", { name })).toBeInTheDocument();
  }
  // What the eye sees is the short form.
  expect(within(live).getByText("1.9 sec")).toBeInTheDocument();
  expect(within(live).getByText("Median: 420 ms")).toBeInTheDocument();
  // A version with no reply in the window says so instead of showing 0%.
  const idle = row("grounded@1.1");
  expect(within(idle).getAllByText("No data")).toHaveLength(3);
});

test("a canary applies only on confirm, is announced once, and shows in the table and the audit log", async () => {
  const { user, fake, services } = renderAsAdmin(<AdminPage />);
  await table();
  const opener = within(row("grounded@1.1")).getByRole("button", { name: "Canary" });
  await user.click(opener);
  const dialog = screen.getByRole("dialog", { name: "Canary for grounded@1.1" });
  const number = within(dialog).getByRole("spinbutton", { name: "Share of new chats (%)" });
  const slider = within(dialog).getByRole("slider", { name: "Share of new chats (%)" });
  expect(number).toHaveValue(10);
  expect(slider).toHaveAttribute("aria-valuetext", "10%");
  await user.clear(number);
  await user.type(number, "25");
  expect(slider).toHaveValue("25");
  expect(fake.requests).toEqual([]);
  // One paste rather than a key per letter: the test is about what is sent, not about typing.
  await user.click(within(dialog).getByRole("textbox", { name: "Reason (optional)" }));
  await user.paste("Try the shorter answers");
  await user.click(within(dialog).getByRole("button", { name: "Start canary" }));

  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(fake.requests).toEqual([
    {
      path: "canary",
      body: { name: "grounded", version: "1.1", percent: 25, reason: "Try the shorter answers" },
    },
  ]);
  expect(announced(services)).toBe("grounded@1.1 now gets 25% of new chats.");
  expect(within(row("grounded@1.1")).getByText("Canary", { selector: "span" })).toBeInTheDocument();
  expect(within(row("grounded@1.1")).getByText("25%")).toBeInTheDocument();
  expect(within(row("grounded@1.0")).getByText("75%")).toBeInTheDocument();
  expect(document.activeElement).toBe(opener);
  const audit = await screen.findByRole("table", { name: "Audit log" });
  const entry = within(audit).getAllByRole("row")[1];
  expect(entry).toHaveTextContent("Canary");
  expect(entry).toHaveTextContent("grounded@1.1");
  expect(entry).toHaveTextContent("25% of new chats");
  expect(entry).toHaveTextContent("Try the shorter answers");
});

test("a share outside 1-99 is refused in the dialog and nothing is sent", async () => {
  const { user, fake } = renderAsAdmin(<AdminPage />);
  await table();
  await user.click(within(row("grounded@1.1")).getByRole("button", { name: "Canary" }));
  const number = screen.getByRole("spinbutton", { name: "Share of new chats (%)" });
  for (const value of ["0", "100", "2.5"]) {
    await user.clear(number);
    await user.type(number, value);
    await user.click(screen.getByRole("button", { name: "Start canary" }));
    expect(number).toHaveAccessibleDescription(
      expect.stringContaining("Pick a whole number from 1 to 99.") as string,
    );
    expect(number).toHaveAttribute("aria-invalid", "true");
  }
  expect(fake.requests).toEqual([]);
});

test("the gate's refusal shows its comparison; forcing needs a reason; focus lands on the heading", async () => {
  const fake = new FakeAdmin([
    makeVersion({ version: "1.0", stage: "live", traffic_percent: 100, scores: scores(0.857, 0.9) }),
    makeVersion({ version: "1.1", scores: scores(0.8, 0.9) }),
  ]);
  const { user, services } = renderAsAdmin(<AdminPage />, { fake });
  await table();
  await user.click(within(row("grounded@1.1")).getByRole("button", { name: "Promote" }));
  const dialog = screen.getByRole("dialog", { name: "Promote grounded@1.1?" });
  expect(dialog).toHaveTextContent(
    "It will get all new chats. grounded@1.0 stays ready, so you can roll back.",
  );
  expect(within(dialog).queryByRole("checkbox")).toBeNull();
  await user.click(within(dialog).getByRole("button", { name: "Promote" }));

  expect(await within(dialog).findByRole("alert")).toHaveTextContent(
    "grounded@1.1 scores lower than grounded@1.0 by more than 2%.",
  );
  const comparison = within(dialog).getByRole("table", { name: "Test results" });
  const keyFacts = within(comparison).getByRole("row", { name: /^Key facts right/ });
  expect(keyFacts).toHaveTextContent("85.7%80%-5.7%Fail");
  expect(within(comparison).getByRole("row", { name: /^Hand-offs caught/ })).toHaveTextContent("Pass");

  await user.click(within(dialog).getByRole("checkbox", { name: "Promote anyway" }));
  await user.click(within(dialog).getByRole("button", { name: "Promote anyway" }));
  const reason = within(dialog).getByRole("textbox", { name: "Reason" });
  expect(reason).toHaveAccessibleDescription(
    expect.stringContaining("Say why you promote anyway.") as string,
  );
  expect(fake.requests).toHaveLength(1);

  await user.click(reason);
  await user.paste("Key facts fixed in the articles since");
  await user.click(within(dialog).getByRole("button", { name: "Promote anyway" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(fake.requests.at(-1)).toEqual({
    path: "promote",
    body: { name: "grounded", version: "1.1", force: true, reason: "Key facts fixed in the articles since" },
  });
  expect(announced(services)).toBe("grounded@1.1 is now live.");
  expect(within(row("grounded@1.1")).getByText("Live")).toBeInTheDocument();
  // Its "Promote" is disabled now, so focus goes to the table's heading instead of being lost.
  expect(document.activeElement).toBe(screen.getByRole("heading", { name: "Model versions" }));
  const audit = await screen.findByRole("table", { name: "Audit log" });
  expect(within(audit).getAllByRole("row")[1]).toHaveTextContent("Forced past the test gate");
});

test("roll back says what it will do and returns to the previous live version", async () => {
  const fake = new FakeAdmin([
    makeVersion({ version: "1.0", previous: true, scores: scores(0.857, 0.9) }),
    makeVersion({ version: "1.1", stage: "live", traffic_percent: 100, scores: scores(0.87, 0.9) }),
  ]);
  const { user, services } = renderAsAdmin(<AdminPage />, { fake });
  await table();
  expect(
    within(row("grounded@1.0")).getByText("Was live before: a rollback goes back to it."),
  ).toBeInTheDocument();
  await user.click(within(row("grounded@1.1")).getByRole("button", { name: "Roll back" }));
  const dialog = screen.getByRole("dialog", { name: "Roll back grounded?" });
  expect(dialog).toHaveTextContent("grounded@1.0 gets all new chats again, in place of grounded@1.1.");
  await user.click(within(dialog).getByRole("button", { name: "Roll back" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  expect(fake.requests).toEqual([{ path: "rollback", body: { name: "grounded" } }]);
  expect(announced(services)).toBe("grounded now runs grounded@1.0 for all new chats.");
  expect(within(row("grounded@1.0")).getByText("Live")).toBeInTheDocument();
});

test("a refusal stays in the dialog as an alert, in the UI language", async () => {
  const fake = new FakeAdmin();
  const { user } = renderAsAdmin(<AdminPage />, { fake });
  await table();
  // Someone else promoted 1.1 meanwhile: this page still offers it.
  fake.models = [
    makeVersion({ version: "1.0", previous: true }),
    makeVersion({ version: "1.1", stage: "live", traffic_percent: 100 }),
  ];
  await user.click(within(row("grounded@1.1")).getByRole("button", { name: "Promote" }));
  await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Promote" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("This version is already live.");
  expect(screen.getByRole("dialog")).toBeInTheDocument();
});

// jsdom has no showModal(), so Escape (the native dialog's cancel) is checked in the browser: e2e/admin.spec.ts.
test("Cancel closes a dialog without sending anything, and focus goes back to its button", async () => {
  const { user, fake } = renderAsAdmin(<AdminPage />);
  await table();
  const opener = within(row("grounded@1.1")).getByRole("button", { name: "Promote" });
  await user.click(opener);
  await user.click(screen.getByRole("button", { name: "Cancel" }));
  expect(screen.queryByRole("dialog")).toBeNull();
  expect(document.activeElement).toBe(opener);
  expect(fake.requests).toEqual([]);
});

test("the audit log comes in pages, newest first", async () => {
  const fake = new FakeAdmin();
  for (let index = 1; index <= 25; index += 1) {
    fake.canary({ name: "grounded", version: "1.1", percent: index, reason: `step ${index}` });
  }
  const { user } = renderAsAdmin(<AdminPage />, { fake });
  const audit = await screen.findByRole("table", { name: "Audit log" });
  expect(within(audit).getAllByRole("row")).toHaveLength(21);
  expect(within(audit).getAllByRole("row")[1]).toHaveTextContent("step 25");
  // Who acted, by name and email rather than a user id.
  expect(within(audit).getAllByRole("row")[1]).toHaveTextContent("Ada Adminadmin@example.com");
  await user.click(screen.getByRole("button", { name: "Show more" }));
  await waitFor(() => expect(within(audit).getAllByRole("row")).toHaveLength(26));
  expect(within(audit).getAllByRole("row")[25]).toHaveTextContent("step 1");
  expect(screen.queryByRole("button", { name: "Show more" })).toBeNull();
});

test("a caller the API refuses (not an admin) is told why", async () => {
  renderAsAdmin(<AdminPage />, { user: guestUser });
  const alerts = await screen.findAllByRole("alert");
  expect(alerts.map((alert) => alert.textContent)).toEqual([
    "We could not load the models. Only admins can change models.Try again",
    "We could not load the audit log. Only admins can change models.Try again",
  ]);
});

test("after a failed load, Try again loads the models", async () => {
  const busy = http.get("*/api/v1/admin/models", () => errorResponse(503, "service_unavailable"), {
    once: true,
  });
  const { user } = renderAsAdmin(<AdminPage />, { handlers: [busy] });
  const models = screen.getByRole("region", { name: "Model versions" });
  expect(await within(models).findByRole("alert")).toHaveTextContent(
    "We could not load the models. The service is busy. Try again soon.",
  );
  await user.click(within(models).getByRole("button", { name: "Try again" }));
  expect(await within(models).findByRole("table", { name: "Model versions" })).toBeInTheDocument();
});
