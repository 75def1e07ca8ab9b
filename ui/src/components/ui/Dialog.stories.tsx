import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { Button } from "./Button";
import { Dialog } from "./Dialog";

const meta = {
  component: Dialog,
  args: {
    open: true,
    onClose: fn(),
    title: "End this conversation?",
    children: <p>You can still read it, but you cannot send new messages.</p>,
    footer: (
      <>
        <Button>Cancel</Button>
        <Button variant="danger">End conversation</Button>
      </>
    ),
  },
} satisfies Meta<typeof Dialog>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Drawer: Story = {
  args: { variant: "drawer", title: "Conversations", footer: undefined, children: <p>A list goes here.</p> },
};
