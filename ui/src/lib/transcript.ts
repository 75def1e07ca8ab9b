// "Download transcript": the open conversation as a Markdown file (plain text that also reads well unrendered).
import type { TFunction } from "i18next";
import type { components } from "../api/generated/openapi";
import { formatDateTime } from "./format";

type Conversation = components["schemas"]["Conversation"];
/** The fields of a useChat() ChatItem that a transcript needs (any ChatItem fits). */
export interface TranscriptItem {
  role: "user" | "assistant" | "agent" | "system";
  content: string;
  createdAt: string;
  status: string;
  stopped: boolean;
}

export interface TranscriptInput {
  items: readonly TranscriptItem[];
  conversation: Pick<Conversation, "title" | "created_at" | "case"> | null;
  t: TFunction;
  language: string;
  now?: Date;
}

export function buildTranscript({
  items,
  conversation,
  t,
  language,
  now = new Date(),
}: TranscriptInput): string {
  // An empty title is as good as none.
  const title = conversation && conversation.title.length > 0 ? conversation.title : t("transcript.title");
  const lines: string[] = [`# ${title}`, ""];
  if (conversation)
    lines.push(`- ${t("transcript.started", { date: formatDateTime(conversation.created_at, language) })}`);
  if (conversation?.case) lines.push(`- ${t("transcript.caseNumber", { number: conversation.case.number })}`);
  lines.push(`- ${t("transcript.saved", { date: formatDateTime(now.toISOString(), language) })}`, "");

  if (items.length === 0) lines.push(t("transcript.empty"), "");
  for (const item of items) {
    lines.push(`## ${t(`chat.author.${item.role}`)} · ${formatDateTime(item.createdAt, language)}`, "");
    lines.push(item.content.trim(), "");
    if (item.status === "failed") lines.push(t("transcript.notSent"), "");
    if (item.stopped) lines.push(t("transcript.stopped"), "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

export function transcriptFileName(t: TFunction, now: Date = new Date()): string {
  // ISO date in the name: it sorts well and has no characters that file systems reject.
  return t("transcript.fileName", { date: now.toISOString().slice(0, 10) });
}

/** Saves `text` as a file through a temporary Blob URL and link. */
export function downloadText(text: string, fileName: string, type = "text/markdown;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: some browsers start the download after click() returns.
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}
