import type { Meta, StoryObj } from "@storybook/react-vite";
import i18next from "i18next";
import { useState, type ReactNode } from "react";
import { expect, within } from "storybook/test";
import { AppProviders } from "../../app/AppProviders";
import { AdminPage } from "./AdminPage";
import { createAdminServices, FakeAdmin } from "./fixtures";

/** The page on its own fake admin API (no network), after a canary and its promotion. */
function WithAdminApi({ children }: { children: ReactNode }) {
  const [services] = useState(() => {
    const fake = new FakeAdmin();
    fake.canary({ name: "grounded", version: "1.1", percent: 20, reason: "Longer answers for billing" });
    fake.promote({ name: "grounded", version: "1.1", force: false });
    return createAdminServices(fake);
  });
  return <AppProviders services={services}>{children}</AppProviders>;
}

const meta = {
  component: AdminPage,
  decorators: [
    (Story) => (
      <WithAdminApi>
        <Story />
      </WithAdminApi>
    ),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole("table", { name: i18next.t("admin.models") })).toBeVisible();
    await expect(await canvas.findByRole("table", { name: i18next.t("admin.audit") })).toBeVisible();
  },
} satisfies Meta<typeof AdminPage>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
