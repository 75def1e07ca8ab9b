// A guest's chat turn end to end: the real ingress, graph, nlp, retrieval and llm answer over the real WebSocket.
import type { Page } from "@playwright/test";
import {
  ANSWER_TIMEOUT_MS,
  PASSWORD_QUESTION,
  SOQL_QUESTION,
  WS_URL,
  assistantMessages,
  expect,
  passThrough,
  send,
  startAsGuest,
  test,
  transcript,
  userMessages,
  waitForAnswer,
  words,
  type Frame,
} from "./support";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface StoredMessage {
  id: string;
  role: string;
  status: string;
  content: string;
}

/** The stored assistant replies seen on the wire, by id (the last state of each wins). */
function collectReplies(frames: Frame[]): Map<string, StoredMessage> {
  const replies = new Map<string, StoredMessage>();
  for (const frame of frames) {
    if (frame.type !== "message") continue;
    const message = frame.message as StoredMessage;
    if (message.role === "assistant" && message.status === "complete") replies.set(message.id, message);
  }
  return replies;
}

/** A phrase of `content` that renders as plain words (no citation markers, digits or code). */
function phraseOf(content: string): string {
  const sentences = content
    .replace(/```[\s\S]*?```/g, " ")
    .split(/(?<=[.!?])\s+|\n+/)
    .map((sentence) => sentence.replace(/[*_`#>]/g, " ").trim())
    .filter((sentence) => !/[[\]\d()]/.test(sentence));
  const longest = sentences.sort((a, b) => words(b).length - words(a).length)[0] ?? "";
  return words(longest).slice(0, 6).join(" ");
}

function occurrences(haystack: string, needle: string): number {
  return needle ? haystack.split(needle).length - 1 : 0;
}

async function transcriptWords(page: Page): Promise<string> {
  return words((await transcript(page).innerText()).replace(/\s+/g, " ")).join(" ");
}

test("a guest asks a question and sees a streamed answer with its sources", async ({ page }) => {
  const deltas: string[] = [];
  // Real frames, slowed down a little so each piece is on screen long enough to be seen arriving.
  await page.routeWebSocket(WS_URL, (ws) =>
    passThrough(ws, async (frame, forward) => {
      if (frame?.type === "assistant.delta") {
        deltas.push(String(frame.delta));
        await pause(150);
      }
      forward();
    }),
  );
  await startAsGuest(page);
  await send(page, PASSWORD_QUESTION);

  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText(PASSWORD_QUESTION);
  const answer = assistantMessages(page).first();
  const seen: string[] = [];
  await expect
    .poll(
      async () => {
        if ((await answer.count()) > 0)
          seen.push(((await answer.textContent({ timeout: 1_000 })) ?? "").trim());
        return answer.getByRole("list", { name: "Sources" }).count();
      },
      { timeout: ANSWER_TIMEOUT_MS, intervals: [100] },
    )
    .toBeGreaterThan(0);
  await waitForAnswer(page, 1);

  expect(deltas.length, "the server streamed the reply in pieces").toBeGreaterThan(1);
  const growing = new Set(seen.filter((text) => text.length > 0).map((text) => text.length));
  expect(growing.size, "the answer grew on screen while it streamed").toBeGreaterThan(2);

  // The finished reply is announced as plain text in the one polite live region.
  await expect(page.locator('[aria-live="polite"]').filter({ hasText: /^Assistant: \S/ })).toHaveCount(1);

  const sources = answer.getByRole("list", { name: "Sources" });
  await expect(sources.getByRole("listitem").first()).toBeVisible();
  const links = sources.getByRole("link");
  for (const link of await links.all()) {
    await expect(link).toHaveAttribute("target", "_blank");
    await expect(link).toHaveAttribute("rel", /noopener/);
    await expect(link).toHaveAttribute("rel", /noreferrer/);
  }
  await expect(answer.getByText("Show excerpt").first()).toBeVisible();

  const helpful = answer.getByRole("button", { name: "Helpful", exact: true });
  await expect(helpful).toHaveAttribute("aria-pressed", "false");
  await helpful.click();
  await expect(helpful).toHaveAttribute("aria-pressed", "true");
});

test("a connection cut in the middle of an answer loses nothing and repeats nothing", async ({ page }) => {
  const frames: Frame[] = [];
  let connections = 0;
  await page.routeWebSocket(WS_URL, (ws) => {
    connections += 1;
    const first = connections === 1;
    let cut = false;
    const server = passThrough(ws, (frame, forward) => {
      if (frame) frames.push(frame);
      if (cut) return; // the rest of the first connection is lost on the line
      forward();
      if (first && frame?.type === "assistant.delta") {
        cut = true;
        void server.close();
        void ws.close({ code: 1011, reason: "line dropped" });
      }
    });
  });
  await startAsGuest(page);
  await send(page, PASSWORD_QUESTION);
  const answer = await waitForAnswer(page, 1);

  expect(connections, "the page reconnected after the cut").toBeGreaterThan(1);
  await expect(userMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  const [reply] = [...collectReplies(frames).values()];
  expect(reply, "the stored reply came back after the reconnect").toBeDefined();
  const phrase = phraseOf(reply?.content ?? "");
  expect(phrase.split(" ").length).toBeGreaterThan(2);
  expect(occurrences(await transcriptWords(page), phrase), `"${phrase}" shown once`).toBe(1);
  await expect(answer.getByRole("list", { name: "Sources" })).toBeVisible();
});

test("offline in the middle of an answer, a message written offline is sent once when back", async ({
  page,
  context,
}) => {
  const frames: Frame[] = [];
  let connections = 0;
  let offline = false;
  await page.routeWebSocket(WS_URL, (ws) => {
    connections += 1;
    if (offline) {
      void ws.close({ code: 1011, reason: "offline" });
      return;
    }
    const first = connections === 1;
    let dropping = false;
    const server = passThrough(ws, async (frame, forward) => {
      if (frame) frames.push(frame);
      if (dropping) return;
      forward();
      if (first && frame?.type === "assistant.delta") {
        dropping = true;
        offline = true;
        await context.setOffline(true);
        // Chromium keeps open sockets when it goes offline: cut this one as a real network loss would.
        void server.close();
        void ws.close({ code: 1011, reason: "offline" });
      }
    });
  });
  await startAsGuest(page);
  await send(page, PASSWORD_QUESTION);

  await expect(
    page
      .getByRole("status")
      .filter({ hasText: "You are offline. We will send your messages when you are back." }),
  ).toBeVisible();
  await send(page, SOQL_QUESTION);
  await expect(userMessages(page)).toHaveCount(2);
  await expect(userMessages(page).nth(1)).toContainText("Too many SOQL queries");

  offline = false;
  await context.setOffline(false);
  await waitForAnswer(page, 1);
  await waitForAnswer(page, 2);
  await expect(page.getByText("You are offline.", { exact: false })).toHaveCount(0);

  await expect(userMessages(page)).toHaveCount(2);
  await expect(assistantMessages(page)).toHaveCount(2);
  const acks = frames.filter((frame) => frame.type === "message.ack");
  const sentOnce = new Set(acks.map((frame) => frame.client_message_id));
  expect(sentOnce.size, "two messages acknowledged by the server").toBe(2);
  const replies = [...collectReplies(frames).values()];
  expect(replies).toHaveLength(2);
  const shown = await transcriptWords(page);
  for (const reply of replies) {
    const phrase = phraseOf(reply.content);
    expect(occurrences(shown, phrase), `"${phrase}" shown once`).toBe(1);
  }
  await expect(page.getByText("Not sent")).toHaveCount(0);
});
