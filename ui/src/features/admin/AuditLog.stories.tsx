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
