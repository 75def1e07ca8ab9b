import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { makeItem, makeMeta, sampleAnswer } from "./fixtures";
import { MessageItem } from "./MessageItem";
import { withProviders } from "./storyProviders";

const meta = {
  component: MessageItem,
  decorators: [withProviders],
  args: {
    item: makeItem({ key: "u1", role: "user", content: "How do I reset my password?" }),
    isLatest: true,
    canEscalate: true,
    onRetry: fn(),
    onQuickReply: fn(),
    onRate: fn(),
    onEscalate: fn(),
  },
} satisfies Meta<typeof MessageItem>;
export default meta;
type Story = StoryObj<typeof meta>;

export const FromYou: Story = {};

export const Answer: Story = {
  args: {
    item: makeItem({
      key: "a1",
      content: sampleAnswer,
      rating: "up",
      meta: makeMeta({
        citations: [
          {
            id: "k1",
            title: "Reset a user password",
            url: "https://help.salesforce.com/reset",
            snippet: "Admins can reset passwords from Setup.",
          },
        ],
        quick_replies: ["Thanks", "Show me more"],
        escalation_suggested: true,
      }),
    }),
  },
};

export const NotSent: Story = {
  args: {
    item: makeItem({
      key: "u2",
      role: "user",
      content: "Hello?",
      status: "failed",
      id: null,
      clientMessageId: "c2",
      error: { code: "offline", message: "You are offline." },
    }),
  },
};

export const Streaming: Story = {
  args: { item: makeItem({ key: "a2", content: "To reset your password, open", status: "streaming" }) },
};

export const Stopped: Story = {
  args: { item: makeItem({ key: "a3", content: "To reset your", status: "streaming", stopped: true }) },
};

export const FromAgent: Story = {
  args: { item: makeItem({ key: "g1", role: "agent", content: "Hi, I am Sam from support. I can help." }) },
};

export const System: Story = {
  args: { item: makeItem({ key: "s1", role: "system", content: "A person will join soon." }) },
};
