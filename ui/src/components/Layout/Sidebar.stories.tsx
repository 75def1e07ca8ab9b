import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { makeConversation } from "../../testing/fixtures";
import { SidebarView } from "./Sidebar";
import { arabic, dark } from "./storyDocument";

const meta = {
  component: SidebarView,
  args: {
    conversations: [
      makeConversation({ id: "a", title: "Reset my password" }),
      makeConversation({ id: "b", title: "Import leads from a CSV file", status: "escalated" }),
      makeConversation({ id: "c", title: "", status: "resolved" }),
    ],
    isLoading: false,
    error: null,
    hasMore: true,
    onLoadMore: fn(),
    currentId: "a",
    onOpen: fn(),
  },
  decorators: [
    (Story) => (
      <div className="bg-surface h-[32rem] w-72">
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof SidebarView>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Loading: Story = { args: { conversations: [], isLoading: true, hasMore: false } };
export const Empty: Story = { args: { conversations: [], hasMore: false } };
export const Failed: Story = { args: { conversations: [], hasMore: false, error: new Error("offline") } };
export const Dark: Story = { beforeEach: dark };
export const RightToLeft: Story = {
  beforeEach: arabic,
  args: { conversations: [makeConversation({ id: "a", title: "إعادة تعيين كلمة المرور" })] },
};
