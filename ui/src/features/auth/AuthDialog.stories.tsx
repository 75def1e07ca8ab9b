import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { AuthDialog } from "./AuthDialog";

const meta = {
  component: AuthDialog,
  args: {
    mode: "signIn",
    onModeChange: fn(),
    onSignIn: fn(() => Promise.resolve()),
    onRegister: fn(() => Promise.resolve()),
  },
} satisfies Meta<typeof AuthDialog>;
export default meta;
type Story = StoryObj<typeof meta>;

export const SignIn: Story = {};
export const Register: Story = { args: { mode: "register" } };
