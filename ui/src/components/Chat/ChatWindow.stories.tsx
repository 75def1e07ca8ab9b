import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { ChatWindow } from "./ChatWindow";
import { inFrame, withProviders } from "./storyProviders";

// Fresh services and no session: a new conversation, before the first message is sent.
const meta = {
  component: ChatWindow,
  decorators: [inFrame, withProviders],
  args: { conversationId: null, onConversationCreated: fn() },
} satisfies Meta<typeof ChatWindow>;
export default meta;
type Story = StoryObj<typeof meta>;

export const NewConversation: Story = {};
