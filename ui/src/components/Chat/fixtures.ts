// Sample messages for tests and stories.
import { makeReplyMeta } from "../../testing/fixtures";
import type { ChatItem, ReplyMeta } from "./types";

const BASE_TIME = Date.parse("2026-03-02T09:30:00Z");

export function makeItem(overrides: Partial<ChatItem> & { key: string }): ChatItem {
  return {
    id: overrides.key,
    clientMessageId: null,
    role: "assistant",
    content: "",
    status: "complete",
    createdAt: new Date(BASE_TIME).toISOString(),
    meta: null,
    rating: null,
    error: null,
    stopped: false,
    ...overrides,
  };
}

/** A reply's meta with no citations or quick replies unless a story adds them (the shared test fixture). */
export function makeMeta(overrides: Partial<ReplyMeta> = {}): ReplyMeta {
  return makeReplyMeta({ citations: [], quick_replies: [], ...overrides });
}

export const sampleAnswer = `To reset your password:

1. Open **Settings**.
2. Choose *Reset my password*.

You can also run this query:

\`\`\`soql
SELECT Id, Name FROM User WHERE IsActive = true
\`\`\`

See the [help page](https://help.salesforce.com/) for more.`;

/** A short conversation showing every kind of message. */
export function sampleConversation(): ChatItem[] {
  const minute = 60_000;
  const at = (n: number) => new Date(BASE_TIME + n * minute).toISOString();
  return [
    makeItem({ key: "s1", role: "system", content: "Chat started", createdAt: at(0) }),
    makeItem({
      key: "u1",
      role: "user",
      content: "How do I reset my password?",
      clientMessageId: "c-u1",
      createdAt: at(1),
    }),
    makeItem({
      key: "a1",
      role: "assistant",
      content: sampleAnswer,
      createdAt: at(1),
      meta: makeMeta({
        citations: [
          {
            id: "k1",
            title: "Reset a user password",
            url: "https://help.salesforce.com/reset",
            snippet: "Admins can reset passwords from Setup.",
          },
          { id: "k2", title: "Password policies", url: null, snippet: "" },
        ],
      }),
      rating: "up",
    }),
    makeItem({
      key: "u2",
      role: "user",
      content: "It still does not work.",
      clientMessageId: "c-u2",
      status: "failed",
      id: null,
      error: { code: "offline", message: "You are offline." },
      createdAt: at(3),
    }),
    makeItem({
      key: "a2",
      role: "assistant",
      content: "Sorry about that. Do you want to try again, or talk to a person?",
      createdAt: at(4),
      meta: makeMeta({ escalation_suggested: true, quick_replies: ["Try again", "Show me the steps"] }),
    }),
  ];
}

/** Many messages, for the virtualisation story and test. */
export function manyMessages(count: number): ChatItem[] {
  return Array.from({ length: count }, (_, index) =>
    makeItem({
      key: `m${String(index)}`,
      role: index % 2 === 0 ? "user" : "assistant",
      content:
        index % 2 === 0
          ? `Question ${String(index + 1)}`
          : `Answer ${String(index + 1)}.${index % 3 === 0 ? " This one is longer, so rows have different heights and each needs to be measured." : ""}`,
      createdAt: new Date(BASE_TIME + index * 1000).toISOString(),
    }),
  );
}
