// The polite live region's side of the chat: what a screen reader hears, said once per event however many
// components show the conversation. It remembers which replies this tab saw stream or asked for, so a reply
// finishing live is announced and history loaded later is not.
import i18next from "i18next";
import type { AppStore } from "../store";
import type { Message } from "../store/slices/conversationSlice";
import { announce } from "../store/slices/uiSlice";
import type { Conversation } from "./api";
import { plainText } from "./plainText";
import type { ConnectionState } from "./websocket";

export class ChatAnnouncer {
  private readonly store: AppStore;
  /** Replies this tab saw stream: when they finish they are announced. */
  private readonly liveReplies = new Set<string>();
  private readonly announced = new Set<string>();
  /** client_message_ids sent from this tab: their replies are announced when they finish. */
  private readonly sentHere = new Set<string>();
  /** Conversations this tab has opened or written in: a person's message arriving on the socket there is news. */
  private readonly followed = new Set<string>();
  /** What the hand-off of each conversation has been announced as: queued (no number yet) or its number. */
  private readonly announcedCases = new Map<string, "queued" | "numbered">();
  private connection: ConnectionState = "idle";
  private wasOpen = false;

  constructor(store: AppStore) {
    this.store = store;
  }

  say(text: string): void {
    this.store.dispatch(announce(text));
  }

  follow(conversationId: string): void {
    this.followed.add(conversationId);
  }

  sentFromHere(conversationId: string, clientMessageId: string): void {
    this.sentHere.add(clientMessageId);
    this.followed.add(conversationId);
  }

  replyStreaming(messageId: string): void {
    this.liveReplies.add(messageId);
  }

  connectionChanged(state: ConnectionState): void {
    const before = this.connection;
    this.connection = state;
    if (before === state) return;
    if (before === "open" && (state === "reconnecting" || state === "offline" || state === "connecting")) {
      this.say(i18next.t("live.connectionLost"));
    } else if (state === "open") {
      if (this.wasOpen) this.say(i18next.t("live.connectionBack"));
      this.wasOpen = true;
    } else if (state === "idle") {
      this.wasOpen = false;
    }
  }

  /**
   * A message arrived on the socket: `store` puts it in the store. Whether it finished live is decided before the
   * store changes (after, the tab would already hold it complete).
   */
  received(message: Message, store: (message: Message) => void): void {
    const live = this.finishesLive(message);
    store(message);
    if (message.status === "streaming") {
      if (message.role !== "user") this.liveReplies.add(message.id);
      return;
    }
    this.liveReplies.delete(message.id);
    if (!live || this.announced.has(message.id)) return;
    this.announced.add(message.id);
    const text = plainText(message.content);
    this.say(i18next.t(message.role === "agent" ? "live.agentReply" : "live.reply", { text }));
  }

  /**
   * An assistant reply is live when this tab saw it stream or sent the question it answers (a reply's seq follows
   * its question's). A person's message is live when it reaches this tab on the socket in a conversation the tab
   * follows and the tab does not already hold it complete: history comes over REST and a subscription replays
   * only what follows it, so no rule compares the server's clock with this browser's (a slow or skewed client
   * clock never silences a hand-off).
   */
  private finishesLive(message: Message): boolean {
    if (message.status === "streaming" || this.announced.has(message.id)) return false;
    const chat = this.store.getState().chat.byId[message.conversation_id];
    if (message.role === "agent") {
      return this.followed.has(message.conversation_id) && chat?.messages[message.id]?.status !== "complete";
    }
    if (message.role !== "assistant") return false;
    if (this.liveReplies.has(message.id)) return true;
    if (!chat) return false;
    const question = Object.values(chat.messages).find((m) => m.seq === message.seq - 1);
    return (
      question?.role === "user" &&
      question.client_message_id !== null &&
      this.sentHere.has(question.client_message_id)
    );
  }

  sendFailed(reason: string): void {
    this.say(i18next.t("live.sendFailed", { reason }));
  }

  /** The hand-off to a person, once per conversation; a queued one (on its way to the support team, with no
   * number of theirs yet) is announced again once the team's case number is known. */
  conversationChanged(conversation: Conversation): void {
    const handOff = conversation.case;
    if (conversation.status !== "escalated" || !handOff) return;
    const said = this.announcedCases.get(conversation.id);
    if (handOff.status === "queued") {
      if (said === undefined) {
        this.announcedCases.set(conversation.id, "queued");
        this.say(i18next.t("live.escalatedQueued"));
      }
      return;
    }
    if (said === "numbered") return;
    this.announcedCases.set(conversation.id, "numbered");
    this.say(
      said === "queued"
        ? i18next.t("live.caseNumber", { number: handOff.number })
        : i18next.t("live.escalated", { number: handOff.number }),
    );
  }

  /** Sign-out: nothing of the last session is news any more. */
  reset(): void {
    this.liveReplies.clear();
    this.announced.clear();
    this.sentHere.clear();
    this.followed.clear();
    this.announcedCases.clear();
  }
}
