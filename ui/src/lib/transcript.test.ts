import i18next from "i18next";
import { afterEach, describe, expect, test, vi } from "vitest";
import { buildTranscript, downloadText, transcriptFileName } from "./transcript";
import { formatDate, formatDateTime } from "./format";

const t = i18next.t.bind(i18next);

afterEach(() => {
  vi.useRealTimers();
});

describe("buildTranscript", () => {
  test("writes a Markdown file with authors, dates and the case number", () => {
    const text = buildTranscript({
      t,
      language: "en",
      now: new Date("2026-01-02T10:00:00Z"),
      conversation: {
        title: "Password help",
        created_at: "2026-01-02T09:00:00Z",
        case: { id: "c", number: "00001027", url: null, status: "new" },
      },
      items: [
        {
          role: "user",
          content: "How do I reset my password?",
          createdAt: "2026-01-02T09:00:00Z",
          status: "complete",
          stopped: false,
        },
        {
          role: "assistant",
          content: "Go to **Settings**.",
          createdAt: "2026-01-02T09:00:05Z",
          status: "complete",
          stopped: true,
        },
        {
          role: "user",
          content: "Thanks",
          createdAt: "2026-01-02T09:01:00Z",
          status: "failed",
          stopped: false,
        },
      ],
    });
    expect(text).toMatch(/^# Password help\n/);
    expect(text).toContain("Case: 00001027");
    expect(text).toContain("## You · ");
    expect(text).toContain("## Assistant · ");
    expect(text).toContain("Go to **Settings**.");
    expect(text).toContain("(You stopped waiting for this reply.)");
    expect(text).toContain("(Not sent)");
    expect(text).toContain(formatDateTime("2026-01-02T09:00:00Z", "en"));
  });

  test("an empty, untitled conversation still makes a file", () => {
    const text = buildTranscript({ t, language: "en", conversation: null, items: [] });
    expect(text).toContain("# Chat transcript");
    expect(text).toContain("No messages yet.");
    const untitled = buildTranscript({
      t,
      language: "en",
      conversation: { title: "", created_at: "2026-01-02T09:00:00Z", case: null },
      items: [],
    });
    expect(untitled).toContain("# Chat transcript");
    expect(untitled).not.toContain("Case:");
  });

  test("the file name carries the date", () => {
    expect(transcriptFileName(t, new Date("2026-03-04T05:06:07Z"))).toBe("chat-2026-03-04.md");
  });
});

describe("format", () => {
  test("bad dates come back unchanged", () => {
    expect(formatDateTime("nope", "en")).toBe("nope");
    expect(formatDate("nope", "en")).toBe("nope");
    expect(formatDate("2026-01-02T09:00:00Z", "en")).toContain("2026");
  });
});

describe("downloadText", () => {
  test("clicks a temporary link to a Blob URL and revokes it later", () => {
    vi.useFakeTimers();
    const createObjectURL = vi.fn(() => "blob:transcript");
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    downloadText("hello", "chat.md");
    expect(createObjectURL).toHaveBeenCalledWith(expect.any(Blob));
    expect(click).toHaveBeenCalledOnce();
    expect(document.querySelector("a[download]")).toBeNull();
    vi.runAllTimers();
    expect(revokeObjectURL).toHaveBeenCalledWith("blob:transcript");
  });
});
