import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { dark } from "../Layout/storyDocument";
import { ChatView } from "./ChatView";
import { sampleConversation } from "./fixtures";
import { inFrame, withProviders } from "./storyProviders";

const meta = {
  component: ChatView,
  decorators: [inFrame, withProviders],
  args: {
    items: sampleConversation(),
    status: "active",
    isLoadingHistory: false,
    hasOlder: false,
    assistantTyping: true,
    awaitingReply: true,
    onLoadOlder: fn(),
    onSend: fn(),
    onStop: fn(),
    onRetry: fn(),
    onRate: fn(),
    onEscalate: fn(() => Promise.resolve()),
  },
} satisfies Meta<typeof ChatView>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Conversation: Story = {};
export const NewConversation: Story = {
  args: { items: [], status: null, assistantTyping: false, awaitingReply: false },
};
export const Ended: Story = { args: { status: "resolved", assistantTyping: false, awaitingReply: false } };
export const Dark: Story = { beforeEach: dark };
