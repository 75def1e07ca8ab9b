import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { conversation, escalatedConversation, makeConversation } from "../../testing/fixtures";
import { HeaderView } from "./Header";
import { arabic, dark, darkHighContrast, highContrast } from "./storyDocument";

const meta = {
  component: HeaderView,
  args: {
    conversation,
    userName: "Ada",
    canDownload: true,
    onEscalate: fn(() => Promise.resolve()),
    onEnd: fn(() => Promise.resolve()),
    onDownload: fn(),
    onOpenSettings: fn(),
    onOpenConversations: fn(),
    onSignOut: fn(),
  },
} satisfies Meta<typeof HeaderView>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const NewConversation: Story = { args: { conversation: null, canDownload: false } };
export const Escalated: Story = { args: { conversation: escalatedConversation } };
export const Ended: Story = { args: { conversation: makeConversation({ status: "resolved" }) } };
export const Dark: Story = { args: { conversation: escalatedConversation }, beforeEach: dark };
export const HighContrast: Story = {
  args: { conversation: escalatedConversation },
  beforeEach: highContrast,
};
export const DarkHighContrast: Story = {
  args: { conversation: escalatedConversation },
  beforeEach: darkHighContrast,
};
export const RightToLeft: Story = { args: { conversation: escalatedConversation }, beforeEach: arabic };
export const Narrow: Story = {
  args: { conversation: escalatedConversation },
  decorators: [
    (Story) => (
      <div className="w-80">
        <Story />
      </div>
    ),
  ],
};
