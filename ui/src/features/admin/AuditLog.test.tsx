import { screen, within } from "@testing-library/react";
import { expect, test } from "vitest";
import { renderWithProviders } from "../../testing/renderWithProviders";
import { AuditLog } from "./AuditLog";
import type { AuditEntry } from "./types";

function entry(id: number, overrides: Partial<AuditEntry>): AuditEntry {
  return {
    id: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`,
    at: "2026-12-07T10:00:00Z",
    actor_id: "5f0c6a1e-9b7d-4c1a-8e2f-3d4b5a6c7d8e",
    actor_name: null,
    actor_email: null,
    actor_role: "admin",
    action: "rollback",
    name: "grounded",
    version: "1.0",
    reason: null,
    details: {},
    ...overrides,
  };
}

test("the audit log says who acted: name and email, a name alone, the id's start, or System", () => {
  renderWithProviders(
    <AuditLog
      entries={[
        entry(1, { actor_name: "Ada Lovelace", actor_email: "ada@example.com" }),
        entry(2, { actor_name: "Admin", action: "evaluate" }),
        entry(3, {}),
        entry(4, { actor_id: null, actor_role: "system" }),
      ]}
      hasMore={false}
      loadingMore={false}
      onLoadMore={() => undefined}
    />,
  );
  const rows = within(screen.getByRole("table", { name: "Audit log" }))
    .getAllByRole("row")
    .slice(1);
  const who = rows.map((row) => within(row).getAllByRole("cell")[1]?.textContent);
  expect(who).toEqual(["Ada Lovelaceada@example.com", "Admin", "5f0c6a1e", "System"]);
  // A user since deleted: the start of the id, the whole id on hover.
  expect(screen.getByText("5f0c6a1e")).toHaveAttribute("title", "5f0c6a1e-9b7d-4c1a-8e2f-3d4b5a6c7d8e");
  // Stored test scores (`csagent models eval`) read as such, not as the raw action name.
  expect(rows[1]).toHaveTextContent("Test scores");
});
