import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, fn, within } from "storybook/test";
import { arabic, dark, highContrast } from "../Layout/storyDocument";
import { makeItem, makeMeta, manyMessages, sampleConversation } from "./fixtures";
import { MessageList } from "./MessageList";
import { inFrame, withProviders } from "./storyProviders";

const meta = {
  component: MessageList,
  decorators: [inFrame, withProviders],
  args: {
    items: sampleConversation(),
    isLoadingHistory: false,
    hasOlder: false,
    canEscalate: true,
    onLoadOlder: fn(),
    onRetry: fn(),
    onQuickReply: fn(),
    onRate: fn(),
    onEscalate: fn(),
  },
} satisfies Meta<typeof MessageList>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};

export const TenThousandMessages: Story = {
  args: { items: manyMessages(10_000) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const articles = await canvas.findAllByRole("article");
    // Virtualised: only a window of rows is in the DOM, and it opens at the newest message.
    await expect(articles.length).toBeLessThan(60);
    await expect(articles.at(-1)).toHaveAttribute("aria-posinset", "10000");
  },
};

export const Dark: Story = { beforeEach: dark };

export const HighContrast: Story = { beforeEach: highContrast };

const arabicConversation = [
  makeItem({ key: "u1", role: "user", content: "كيف أعيد تعيين كلمة المرور؟", clientMessageId: "c1" }),
  makeItem({
    key: "a1",
    content: "افتح **الإعدادات** ثم اختر *إعادة تعيين كلمة المرور*.\n\n```soql\nSELECT Id FROM User\n```",
    meta: makeMeta({
      citations: [
        { id: "k1", title: "إعادة تعيين كلمة المرور", url: "https://help.salesforce.com/", snippet: "" },
      ],
      quick_replies: ["شكرا"],
    }),
  }),
];

export const RightToLeft: Story = { beforeEach: arabic, args: { items: arabicConversation } };

export const LoadingOlder: Story = { args: { hasOlder: true, isLoadingHistory: true } };

export const Empty: Story = { args: { items: [], empty: <p className="p-4">No messages yet.</p> } };
