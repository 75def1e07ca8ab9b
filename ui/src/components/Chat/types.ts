// Types the chat components share. `ChatItem` is the chat hook's view of a message; the components take it as a
// prop so they can be rendered and tested without the live store.
import type { components } from "../../api/generated/openapi";

export type ReplyMeta = components["schemas"]["ReplyMeta"];
export type Citation = components["schemas"]["Citation"];
export type Conversation = components["schemas"]["Conversation"];

export type { ChatItem, ChatItemStatus } from "../../hooks/useChat";
export type Rating = "up" | "down";

/** What a message can ask its container to do; the container maps each to the chat hook. */
export interface MessageActions {
  onRetry: (clientMessageId: string) => void;
  onQuickReply: (text: string) => void;
  onRate: (messageId: string, rating: Rating) => void;
  onEscalate: () => void;
}
