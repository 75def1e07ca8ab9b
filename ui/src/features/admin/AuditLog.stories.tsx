import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { FakeAdmin } from "./fixtures";
import { AuditLog } from "./AuditLog";

function entries() {
  const fake = new FakeAdmin();
  fake.canary({ name: "grounded", version: "1.1", percent: 10, reason: "Shorter answers, checked by hand" });
  fake.canary({ name: "grounded", version: "1.1", percent: 50 });
  fake.promote({ name: "grounded", version: "1.1", force: false });
  fake.rollback({ name: "grounded", reason: "More hand-offs than expected" });
  // The oldest entry's user has since been deleted: the log shows the start of their id instead of a name.
  const oldest = fake.audit.at(-1);
  if (oldest) Object.assign(oldest, { actor_name: null, actor_email: null });
  return fake.audit;
}

const meta = {
  component: AuditLog,
  args: { entries: entries(), hasMore: true, loadingMore: false, onLoadMore: fn() },
} satisfies Meta<typeof AuditLog>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Entries: Story = {};
export const LoadingMore: Story = { args: { loadingMore: true } };
export const Empty: Story = { args: { entries: [], hasMore: false } };
