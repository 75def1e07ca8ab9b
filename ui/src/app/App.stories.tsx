// Queries use the translated names: `npm run test:stories` also runs every story in Arabic.
import i18next from "i18next";
import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, within } from "storybook/test";
import { arabic, dark, darkHighContrast } from "../components/Layout/storyDocument";
import { withServices } from "../testing/storybook";
import { Shell } from "./App";

// The whole page on fake services (no network): axe checks the shell and the chat together.
const meta = {
  component: Shell,
  decorators: [
    withServices((services) => {
      services.backend.addConversation({ title: "Reset my password" });
      services.backend.addConversation({ title: "Import leads from a CSV file", status: "escalated" });
    }),
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole("banner")).toBeVisible();
    await expect(await canvas.findByRole("link", { name: /Reset my password|كلمة/ })).toBeInTheDocument();
  },
} satisfies Meta<typeof Shell>;
export default meta;
type Story = StoryObj<typeof meta>;

export const SignedIn: Story = {};
export const Dark: Story = { beforeEach: dark };
export const DarkHighContrast: Story = { beforeEach: darkHighContrast };
export const RightToLeft: Story = { beforeEach: arabic };
export const SignedOut: Story = {
  decorators: [withServices(undefined, { auth: "signedOut" })],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole("heading", { name: i18next.t("welcome.title") })).toBeVisible();
  },
};
