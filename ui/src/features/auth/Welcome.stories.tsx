import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { arabic, dark, highContrast } from "../../components/Layout/storyDocument";
import { WelcomeView } from "./Welcome";

const meta = {
  component: WelcomeView,
  args: {
    onGuest: fn(() => Promise.resolve()),
    onSignIn: fn(() => Promise.resolve()),
    onRegister: fn(() => Promise.resolve()),
  },
} satisfies Meta<typeof WelcomeView>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Dark: Story = { beforeEach: dark };
export const HighContrast: Story = { beforeEach: highContrast };
export const RightToLeft: Story = { beforeEach: arabic };
