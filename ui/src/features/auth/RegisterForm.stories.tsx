// Queries use the translated names: `npm run test:stories` also runs every story in Arabic.
import i18next from "i18next";
import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, userEvent, within } from "storybook/test";
import { RegisterForm } from "./RegisterForm";

const meta = { component: RegisterForm, args: { onSubmit: fn(() => Promise.resolve()) } } satisfies Meta<
  typeof RegisterForm
>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const WithErrors: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole("button", { name: i18next.t("auth.register") }));
    await expect(await canvas.findByText(i18next.t("auth.nameRequired"))).toBeVisible();
  },
};
