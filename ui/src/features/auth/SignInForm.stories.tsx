import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, userEvent, within } from "storybook/test";
import { SignInForm } from "./SignInForm";

const meta = { component: SignInForm, args: { onSubmit: fn(() => Promise.resolve()) } } satisfies Meta<
  typeof SignInForm
>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
/** The errors after an empty submit must pass axe too. */
export const WithErrors: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole("button", { name: "Sign in" }));
    await expect(await canvas.findByText("Enter your email.")).toBeVisible();
  },
};
