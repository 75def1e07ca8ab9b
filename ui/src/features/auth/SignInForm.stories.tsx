// Queries use the translated names: `npm run test:stories` also runs every story in Arabic.
import i18next from "i18next";
import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, userEvent, within } from "storybook/test";
import { ApiError } from "../../services/api";
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
    await userEvent.click(canvas.getByRole("button", { name: i18next.t("auth.signIn") }));
    await expect(await canvas.findByText(i18next.t("auth.emailRequired"))).toBeVisible();
  },
};
/** The sign-in throttle (429 too_many_attempts, Retry-After 900): the wait as an alert, which axe must pass. */
export const TooManyAttempts: Story = {
  args: {
    onSubmit: fn(() =>
      Promise.reject(new ApiError({ status: 429, code: "too_many_attempts", retryAfterSeconds: 900 })),
    ),
  },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(canvas.getByLabelText(i18next.t("auth.email")), "ada@example.com");
    await userEvent.type(canvas.getByLabelText(i18next.t("auth.password")), "wrong password");
    await userEvent.click(canvas.getByRole("button", { name: i18next.t("auth.signIn") }));
    await expect(await canvas.findByRole("alert")).toHaveTextContent(
      i18next.t("auth.tooManyAttempts", { count: 15 }),
    );
  },
};
