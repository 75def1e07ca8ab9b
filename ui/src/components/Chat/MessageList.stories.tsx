// Queries use the translated names: `npm run test:stories` also runs every story in Arabic.
import i18next from "i18next";
import type { Meta, StoryObj } from "@storybook/react-vite";
import { useEffect, useState, type ComponentProps } from "react";
import { expect, fn, userEvent, waitFor, within } from "storybook/test";
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

const WORDS = "To reset a password open Setup then Users then pick the user and choose Reset Password.".split(
  " ",
);

/** A reply that streams in word by word, as the hook delivers it. */
function StreamingDemo(props: ComponentProps<typeof MessageList>) {
  const [words, setWords] = useState(1);
  useEffect(() => {
    if (words >= WORDS.length * 4) return undefined;
    const timer = setTimeout(() => setWords((count) => count + 1), 20);
    return () => clearTimeout(timer);
  }, [words]);
  const text = Array.from({ length: words }, (_, index) => WORDS[index % WORDS.length]).join(" ");
  const done = words >= WORDS.length * 4;
  const items = [
    ...manyMessages(40),
    makeItem({ key: "live", content: text, status: done ? "complete" : "streaming" }),
  ];
  return <MessageList {...props} items={items} />;
}

function scroller(canvasElement: HTMLElement): HTMLElement {
  const feed = within(canvasElement).getByRole("feed");
  const element = feed.parentElement;
  if (!element) throw new Error("the feed has no scroll container");
  return element;
}

const distanceFromBottom = (element: HTMLElement) =>
  element.scrollHeight - element.scrollTop - element.clientHeight;

export const StreamingStaysAtBottom: Story = {
  render: (args) => <StreamingDemo {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    // The reply grows to several lines; the list follows it while the reader is at the bottom.
    await canvas.findByText(/Reset Password\. To reset .* Reset Password\.$/, {}, { timeout: 5000 });
    const element = scroller(canvasElement);
    await waitFor(() => expect(distanceFromBottom(element)).toBeLessThanOrEqual(48));
    // Scrolled up, the reader stays put and is offered a way back.
    element.scrollTop = 0;
    element.dispatchEvent(new Event("scroll"));
    const jump = await canvas.findByRole("button", { name: i18next.t("chat.jumpToLatest") });
    await userEvent.click(jump);
    await waitFor(() => expect(distanceFromBottom(element)).toBeLessThanOrEqual(48));
    await waitFor(() => expect(document.activeElement).toHaveAttribute("aria-posinset", "41"));
  },
};
