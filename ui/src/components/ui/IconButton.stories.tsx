import type { Meta, StoryObj } from "@storybook/react-vite";
import { IconButton } from "./IconButton";
import { CloseIcon, MenuIcon } from "./icons";

const meta = { component: IconButton, args: { label: "Close", icon: <CloseIcon /> } } satisfies Meta<
  typeof IconButton
>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Secondary: Story = {
  args: { label: "Conversations", icon: <MenuIcon />, variant: "secondary" },
};
