// Shared test data: a guest session, a conversation, and a cited assistant reply with its streamed pieces.
// Built with the generated wire types, so a contract change breaks these first.
import type { components } from "../api/generated/openapi";

type Conversation = components["schemas"]["Conversation"];
type Message = components["schemas"]["Message"];
type ReplyMeta = components["schemas"]["ReplyMeta"];
type Session = components["schemas"]["Session"];
type User = components["schemas"]["User"];

export const ORG_ID = "00000000-0000-4000-8000-000000000001";
export const GUEST_ID = "00000000-0000-4000-8000-000000000002";
export const CONVERSATION_ID = "00000000-0000-4000-8000-0000000000c1";
export const CASE_ID = "00000000-0000-4000-8000-0000000000ca";

export const guestUser: User = {
  id: GUEST_ID,
  email: null,
  display_name: "Guest",
  role: "customer",
  organization_id: ORG_ID,
  language: "en",
};

export function makeSession(overrides: Partial<Session> = {}): Session {
  return {
    access_token: "access-1",
    refresh_token: "refresh-1",
    token_type: "bearer",
    expires_in: 900,
    user: guestUser,
    ...overrides,
  };
}

export const guestSession: Session = makeSession();

export function makeConversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: CONVERSATION_ID,
    status: "active",
    channel: "web",
    language: "en",
    title: "Reset my password",
    created_at: "2026-11-27T09:00:00Z",
    last_activity_at: "2026-11-27T09:05:00Z",
    case: null,
    ...overrides,
  };
}

export const conversation: Conversation = makeConversation();

export const escalatedConversation: Conversation = makeConversation({
  status: "escalated",
  case: { id: CASE_ID, number: "00001027", url: null, status: "new" },
});

export function makeReplyMeta(overrides: Partial<ReplyMeta> = {}): ReplyMeta {
  return {
    citations: [
      {
        id: "kb-1",
        title: "Reset a user's password",
        url: "https://help.example.com/articles/reset-password",
        snippet: "Admins can reset a password from Setup, Users.",
      },
      {
        id: "kb-2",
        title: "Password policies",
        url: null,
        snippet: "Passwords expire every 90 days by default.",
      },
    ],
    confidence: 0.91,
    emotion: null,
    entities: [],
    escalation_reasons: [],
    escalation_suggested: false,
    fallback_from: [],
    guard: null,
    index_version: "test",
    intent: { name: "password_reset", confidence: 0.93 },
    language: "en",
    latency_ms: 840,
    low_confidence: false,
    model: { name: "test-model", version: "1" },
    quick_replies: ["It worked, thanks", "Talk to a person"],
    route: "answer",
    sentiment: { label: "neutral", score: 0.1 },
    timings: { generation_ms: 600, nlp_ms: 40, retrieval_ms: 120, storage_ms: 5 },
    tokens: {},
    ttft_ms: 210,
    ...overrides,
  };
}

/** The cited reply's Markdown, and the pieces it streams in. */
export const citedReplyText =
  "To reset a password, open **Setup**, then *Users*, and choose [Reset password](https://help.example.com) [1].";
export const citedReplyDeltas = [
  "To reset a password, ",
  "open **Setup**, then *Users*, ",
  "and choose [Reset password](https://help.example.com) [1].",
];
/** What the live region says when the cited reply finishes. */
export const citedReplyAnnouncement =
  "Assistant: To reset a password, open Setup, then Users, and choose Reset password.";

let idCounter = 0;
export function testId(): string {
  idCounter += 1;
  return `00000000-0000-4000-8000-${idCounter.toString(16).padStart(12, "0")}`;
}

export function makeMessage(overrides: Partial<Message> = {}): Message {
  return {
    id: testId(),
    conversation_id: CONVERSATION_ID,
    seq: 1,
    role: "user",
    content: "How do I reset a password?",
    status: "complete",
    created_at: "2026-11-27T09:00:00Z",
    client_message_id: null,
    meta: {},
    ...overrides,
  };
}

/** A finished exchange: the user's question (seq 1) and the cited reply (seq 2). */
export function makeExchange(conversationId = CONVERSATION_ID, firstSeq = 1): [Message, Message] {
  const question = makeMessage({
    conversation_id: conversationId,
    seq: firstSeq,
    client_message_id: testId(),
  });
  const reply = makeMessage({
    conversation_id: conversationId,
    seq: firstSeq + 1,
    role: "assistant",
    content: citedReplyText,
    meta: makeReplyMeta(),
  });
  return [question, reply];
}
