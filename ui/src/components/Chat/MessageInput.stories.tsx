import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { MessageInput } from "./MessageInput";

const meta = {
  component: MessageInput,
  args: { onSend: fn(), onStop: fn(), awaitingReply: false },
} satisfies Meta<typeof MessageInput>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const AwaitingReply: Story = { args: { awaitingReply: true } };
export const Closed: Story = { args: { closed: true } };
