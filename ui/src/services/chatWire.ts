// What the chat service needs from the wire besides the frames themselves: the message shape both sides agree on
// and the id that makes a send idempotent.
import type { Message as WireMessage } from "../api/generated/ws-frames";
import type { Message } from "../store/slices/conversationSlice";

/**
 * The frame schema and the OpenAPI document describe the same Message; their generators differ only in how an
 * open-ended map (`meta.tokens`) is typed, so the socket's message is read as the REST one.
 */
export function fromWire(message: WireMessage): Message {
  return { ...message, meta: message.meta as Message["meta"] };
}

export function newClientMessageId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; plain http on a LAN address still gets a v4 UUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
