import { describe, expect, test } from "vitest";
import { selectChatItems } from "../store/selectors/conversation";
import { settle } from "../testing/fakeSocket";
import { citedReplyAnnouncement, citedReplyText } from "../testing/fixtures";
import { createTestServices, type TestServices } from "../testing/renderWithProviders";

const replyFailed = () => "failed";

async function openConversation(services: TestServices) {
  const conversation = services.backend.addConversation();
  services.chat.open(conversation.id);
  await services.chat.loadHistory(conversation.id);
  await settle();
  return conversation.id;
}

function items(services: TestServices, id: string) {
  return selectChatItems(services.store.getState(), id, replyFailed);
}

/** Every announcement made, in order. */
function recordAnnouncements(services: TestServices): string[] {
  const said: string[] = [];
  let last = services.store.getState().ui.announcement;
  services.store.subscribe(() => {
    const now = services.store.getState().ui.announcement;
    if (now && now !== last) said.push(now.text);
    last = now;
  });
  return said;
}

/** The reconnect waits random() * 500 ms: with random 0 it is the next timer tick. */
async function reconnect() {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await settle();
}

describe("across a dropped connection no message is lost or shown twice", () => {
  test("drop mid-stream; the reply finishes while offline; the replay completes it once", async () => {
    const services = createTestServices({ socketServer: { autoReply: false }, random: () => 0 });
    const said = recordAnnouncements(services);
    const id = await openConversation(services);
    services.chat.send(id, "How do I reset a password?");
    await settle();
    const pending = services.socketServer.pendingReplies[0];
    if (!pending) throw new Error("no reply pending");
    services.socketServer.streamReply(id, pending.replyId, undefined, { to: 2 });
    await settle();
    expect(items(services, id).map((item) => item.status)).toEqual(["complete", "streaming"]);

    services.socketServer.last.drop(1006);
    expect(services.socket.getSnapshot().state).toBe("reconnecting");
    // While the line is down the server streams the rest and stores the reply: this tab misses all of it.
    services.socketServer.streamReply(id, pending.replyId, undefined, { from: 2 });
    await reconnect();

    expect(services.socket.getSnapshot().state).toBe("open");
    expect(services.socketServer.last.framesOf("subscribe")).toEqual([
      { type: "subscribe", conversation_id: id, after_seq: 1 },
    ]);
    const shown = items(services, id);
    expect(shown.map((item) => [item.role, item.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(shown[1]?.content).toBe(citedReplyText);
    expect(said).toEqual(["Connection lost. Reconnecting…", "Connected again.", citedReplyAnnouncement]);
  });

  test("drop mid-stream; the stream goes on after the reconnect; repeats are dropped", async () => {
    const services = createTestServices({ socketServer: { autoReply: false }, random: () => 0 });
    const said = recordAnnouncements(services);
    const id = await openConversation(services);
    services.chat.send(id, "How do I reset a password?");
    await settle();
    const pending = services.socketServer.pendingReplies[0];
    if (!pending) throw new Error("no reply pending");
    services.socketServer.streamReply(id, pending.replyId, undefined, { to: 1 });
    await settle();
    services.socketServer.last.drop(1006);
    await reconnect();
    // The replay carries the stored placeholder (still streaming); the server then repeats delta 0 and goes on.
    services.socketServer.streamReply(id, pending.replyId, undefined, { from: 0, to: 2 });
    await settle();
    expect(items(services, id)[1]?.content).toBe("To reset a password, open **Setup**, then *Users*, ");
    services.socketServer.streamReply(id, pending.replyId, undefined, { from: 2 });
    // A second replay of everything (as after another reconnect) changes nothing.
    for (const message of services.backend.messagesOf(id)) {
      services.socketServer.last.emit({ type: "message", message });
    }
    await settle();
    const shown = items(services, id);
    expect(shown).toHaveLength(2);
    expect(shown[1]).toMatchObject({ status: "complete", content: citedReplyText });
    expect(said.filter((text) => text.startsWith("Assistant:"))).toEqual([citedReplyAnnouncement]);
  });

  test("drop before the ack; the message is re-sent with the same client_message_id and stored once", async () => {
    const services = createTestServices({ socketServer: { autoOpen: true }, random: () => 0 });
    const id = await openConversation(services);
    services.socketServer.ignoreFrames = true;
    const clientMessageId = services.chat.send(id, "Hello?");
    await settle();
    expect(items(services, id)).toMatchObject([{ status: "sending", key: clientMessageId }]);
    services.socketServer.ignoreFrames = false;
    services.socketServer.last.drop(1006);
    await reconnect();
    await settle();
    const sends = services.socketServer.sockets.flatMap((ws) => ws.framesOf("message.send"));
    expect(sends.map((frame) => frame.client_message_id)).toEqual([clientMessageId, clientMessageId]);
    const shown = items(services, id);
    expect(shown.map((item) => [item.role, item.status, item.key])).toEqual([
      ["user", "complete", clientMessageId],
      ["assistant", "complete", expect.any(String)],
    ]);
    expect(services.backend.messagesOf(id)).toHaveLength(2);
  });
});
