// An in-memory stand-in for the server, shared by the MSW REST handlers and the fake WebSocket, so a test can
// drive the whole data layer (sign in, create, send, stream, escalate) without a network.
import type { components } from "../api/generated/openapi";
import {
  citedReplyDeltas,
  citedReplyText,
  guestUser,
  makeConversation,
  makeReplyMeta,
  makeSession,
  testId,
} from "./fixtures";

type Conversation = components["schemas"]["Conversation"];
type Message = components["schemas"]["Message"];
type Session = components["schemas"]["Session"];
type User = components["schemas"]["User"];

export interface ReplyScript {
  deltas: string[];
  content: string;
  meta: Message["meta"];
  status?: "complete" | "failed";
}

export const citedReplyScript: ReplyScript = {
  deltas: citedReplyDeltas,
  content: citedReplyText,
  meta: makeReplyMeta(),
};

export class FakeBackend {
  users = new Map<string, { user: User; password: string }>();
  accessTokens = new Map<string, User>();
  refreshTokens = new Map<string, User>();
  /** Refresh tokens sent to `POST /auth/logout`, in order. */
  loggedOut: string[] = [];
  conversations = new Map<string, Conversation>();
  messages = new Map<string, Message[]>();
  feedback: { conversationId: string; messageId: string; rating: string }[] = [];
  /** What the assistant answers next; tests replace it. */
  reply: ReplyScript = citedReplyScript;
  private tokenCounter = 0;

  /** Issue a session for a user (a guest by default) with fresh tokens. */
  issueSession(user: User = guestUser, expiresIn = 900): Session {
    this.tokenCounter += 1;
    const session = makeSession({
      access_token: `access-${this.tokenCounter}`,
      refresh_token: `refresh-${this.tokenCounter}`,
      expires_in: expiresIn,
      user,
    });
    this.accessTokens.set(session.access_token, user);
    this.refreshTokens.set(session.refresh_token, user);
    return session;
  }

  /** A session the test starts with, as if the user had signed in before. */
  signedIn(user: User = guestUser): Session {
    return this.issueSession(user);
  }

  addConversation(overrides: Partial<Conversation> = {}, messages: Message[] = []): Conversation {
    const conversation = makeConversation({ id: testId(), ...overrides });
    this.conversations.set(conversation.id, conversation);
    this.messages.set(
      conversation.id,
      messages.map((message) => ({ ...message, conversation_id: conversation.id })),
    );
    return conversation;
  }

  messagesOf(conversationId: string): Message[] {
    return this.messages.get(conversationId) ?? [];
  }

  /** Store a user message and its streaming reply placeholder; a repeat client_message_id returns the pair. */
  submit(
    conversationId: string,
    clientMessageId: string,
    content: string,
  ): { message: Message; reply: Message; created: boolean } {
    const list = this.messages.get(conversationId) ?? [];
    const existing = list.find((message) => message.client_message_id === clientMessageId);
    if (existing) {
      const reply = list.find((message) => message.seq === existing.seq + 1);
      if (!reply) throw new Error("every stored user message has a reply");
      return { message: existing, reply, created: false };
    }
    const seq = list.length + 1;
    const now = new Date().toISOString();
    const message: Message = {
      id: testId(),
      conversation_id: conversationId,
      seq,
      role: "user",
      content,
      status: "complete",
      created_at: now,
      client_message_id: clientMessageId,
      meta: {},
    };
    const reply: Message = {
      id: testId(),
      conversation_id: conversationId,
      seq: seq + 1,
      role: "assistant",
      content: "",
      status: "streaming",
      created_at: now,
      client_message_id: null,
      meta: {},
    };
    list.push(message, reply);
    this.messages.set(conversationId, list);
    const conversation = this.conversations.get(conversationId);
    if (conversation && seq === 1)
      this.conversations.set(conversationId, { ...conversation, title: content.slice(0, 60) });
    return { message, reply, created: true };
  }

  /** Finish a streaming reply with the script's content and meta. */
  finish(replyId: string, script: ReplyScript = this.reply): Message {
    for (const list of this.messages.values()) {
      const index = list.findIndex((message) => message.id === replyId);
      const current = list[index];
      if (!current) continue;
      const done: Message = {
        ...current,
        content: script.content,
        meta: script.meta,
        status: script.status ?? "complete",
      };
      list[index] = done;
      return done;
    }
    throw new Error(`no reply ${replyId}`);
  }

  update(conversationId: string, changes: Partial<Conversation>): Conversation {
    const current = this.conversations.get(conversationId);
    if (!current) throw new Error(`no conversation ${conversationId}`);
    const next = { ...current, ...changes };
    this.conversations.set(conversationId, next);
    return next;
  }
}
