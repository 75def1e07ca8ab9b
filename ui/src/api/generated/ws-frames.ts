// Generated from ../contract by `npm run gen:types`. Do not edit: change the server's pydantic models.
/**
 * Frames of GET /api/v1/ws; see shared/contract.md.
 */
export type CsagentWebSocketFrames = ClientFrame | ServerEvent;
export type ClientFrame = AuthFrame | SubscribeFrame | UnsubscribeFrame | SendFrame | TypingFrame | PingFrame;
export type Token = string;
export type Type = "auth";
export type AfterSeq = number;
export type ConversationId = string;
export type Type1 = "subscribe";
export type ConversationId1 = string;
export type Type2 = "unsubscribe";
export type ClientMessageId = string;
export type Content = string;
export type ConversationId2 = string;
export type Type3 = "message.send";
export type ConversationId3 = string;
export type State = "start" | "stop";
export type Type4 = "typing";
export type Type5 = "ping";
export type ServerEvent =
  | AckEvent
  | AssistantTypingEvent
  | DeltaEvent
  | ResetEvent
  | MessageEvent
  | ConversationUpdatedEvent
  | UserTypingEvent
  | PongEvent
  | ErrorEvent;
export type ClientMessageId1 = string;
export type ClientMessageId2 = string | null;
export type Content1 = string;
export type ConversationId4 = string;
export type CreatedAt = string;
export type Id = string;
export type Meta =
  | ReplyMeta
  | {
      [k: string]: unknown | undefined;
    };
export type Id1 = string;
export type Snippet = string;
export type Title = string;
export type Url = string | null;
export type Citations = Citation[];
export type Confidence = number;
export type Label = string;
export type Score = number;
export type Entities = {
  [k: string]: unknown | undefined;
}[];
export type EscalationReasons = string[];
export type EscalationSuggested = boolean;
export type FallbackFrom = string[];
export type Guard = {
  [k: string]: unknown | undefined;
} | null;
export type IndexVersion = string | null;
export type Confidence1 = number;
export type Name = string;
export type Language = string;
export type LatencyMs = number;
export type LowConfidence = boolean;
export type Name1 = string;
export type Version = string;
export type QuickReplies = string[];
export type Route = string;
export type Label1 = "negative" | "neutral" | "positive";
export type Score1 = number;
export type GenerationMs = number;
export type NlpMs = number;
export type RetrievalMs = number;
export type StorageMs = number;
export type TtftMs = number | null;
export type Role = "user" | "assistant" | "agent" | "system";
export type Seq = number;
export type Status = "complete" | "streaming" | "failed";
export type Type6 = "message.ack";
export type ConversationId5 = string;
export type State1 = "start" | "stop";
export type Type7 = "assistant.typing";
export type ConversationId6 = string;
export type Delta = string;
export type Index = number;
export type MessageId = string;
export type Type8 = "assistant.delta";
export type ConversationId7 = string;
export type MessageId1 = string;
export type Reason = string;
export type Type9 = "assistant.reset";
export type Type10 = "message";
export type Id2 = string;
/**
 * The case number: made in the app until Salesforce's CaseNumber replaces it.
 */
export type Number = string;
/**
 * `queued`: stored, and will reach Salesforce when it can (never lost or duplicated); then the Case's state there. Without Salesforce the local case is `new`.
 */
export type Status1 = "queued" | "new" | "open" | "closed";
export type Url1 = string | null;
export type Channel = "web" | "mobile" | "api";
export type CreatedAt1 = string;
export type Id3 = string;
export type Language1 = string;
export type LastActivityAt = string;
export type Status2 = "active" | "waiting" | "escalated" | "resolved" | "abandoned";
export type Title1 = string;
export type Type11 = "conversation.updated";
export type ConversationId8 = string;
export type State2 = "start" | "stop";
export type Type12 = "typing";
export type Type13 = "pong";
export type ClientMessageId3 = string | null;
export type Code = string;
export type Message1 = string;
export type Type14 = "error";

export interface AuthFrame {
  token: Token;
  type: Type;
}
export interface SubscribeFrame {
  after_seq?: AfterSeq;
  conversation_id: ConversationId;
  type: Type1;
}
/**
 * Stop following a conversation (frees one of the socket's `chat.ws_max_subscriptions`); unknown ids are fine.
 */
export interface UnsubscribeFrame {
  conversation_id: ConversationId1;
  type: Type2;
}
export interface SendFrame {
  client_message_id: ClientMessageId;
  content: Content;
  conversation_id: ConversationId2;
  type: Type3;
}
export interface TypingFrame {
  conversation_id: ConversationId3;
  state: State;
  type: Type4;
}
export interface PingFrame {
  type: Type5;
}
export interface AckEvent {
  client_message_id: ClientMessageId1;
  message: Message;
  type: Type6;
}
export interface Message {
  client_message_id: ClientMessageId2;
  content: Content1;
  conversation_id: ConversationId4;
  created_at: CreatedAt;
  id: Id;
  meta: Meta;
  role: Role;
  seq: Seq;
  status: Status;
}
/**
 * `meta` of an assistant message: the contract's fields first, then our additions.
 */
export interface ReplyMeta {
  citations: Citations;
  confidence: Confidence;
  emotion: EmotionMeta | null;
  entities: Entities;
  escalation_reasons: EscalationReasons;
  escalation_suggested: EscalationSuggested;
  fallback_from: FallbackFrom;
  guard: Guard;
  index_version: IndexVersion;
  intent: IntentMeta;
  language: Language;
  latency_ms: LatencyMs;
  low_confidence: LowConfidence;
  model: ModelMeta;
  quick_replies: QuickReplies;
  route: Route;
  sentiment: SentimentMeta;
  timings: Timings;
  tokens: Tokens;
  ttft_ms: TtftMs;
}
export interface Citation {
  id: Id1;
  snippet: Snippet;
  title: Title;
  url: Url;
}
export interface EmotionMeta {
  label: Label;
  score: Score;
}
export interface IntentMeta {
  confidence: Confidence1;
  name: Name;
}
export interface ModelMeta {
  name: Name1;
  version: Version;
}
export interface SentimentMeta {
  label: Label1;
  score: Score1;
}
export interface Timings {
  generation_ms: GenerationMs;
  nlp_ms: NlpMs;
  retrieval_ms: RetrievalMs;
  storage_ms: StorageMs;
}
export interface Tokens {
  [k: string]: number | undefined;
}
export interface AssistantTypingEvent {
  conversation_id: ConversationId5;
  state: State1;
  type: Type7;
}
export interface DeltaEvent {
  conversation_id: ConversationId6;
  delta: Delta;
  index: Index;
  message_id: MessageId;
  type: Type8;
}
/**
 * Discard what was streamed for this reply; deltas start again at index 0 (another engine answers afresh).
 */
export interface ResetEvent {
  conversation_id: ConversationId7;
  message_id: MessageId1;
  reason: Reason;
  type: Type9;
}
export interface MessageEvent {
  message: Message;
  type: Type10;
}
export interface ConversationUpdatedEvent {
  conversation: Conversation;
  type: Type11;
}
export interface Conversation {
  case: Case | null;
  channel: Channel;
  created_at: CreatedAt1;
  id: Id3;
  language: Language1;
  last_activity_at: LastActivityAt;
  status: Status2;
  title: Title1;
}
/**
 * The conversation's hand-off to a person (contract v2).
 */
export interface Case {
  id: Id2;
  number: Number;
  status: Status1;
  url: Url1;
}
/**
 * Another participant (a second tab, later a human agent) is typing.
 */
export interface UserTypingEvent {
  conversation_id: ConversationId8;
  state: State2;
  type: Type12;
}
export interface PongEvent {
  type: Type13;
}
export interface ErrorEvent {
  client_message_id: ClientMessageId3;
  code: Code;
  message: Message1;
  type: Type14;
}
