import { describe, expect, test } from "vitest";
import { plainText } from "./plainText";

describe("plainText", () => {
  test("keeps the words and drops the Markdown", () => {
    const markdown = [
      "## Steps",
      "",
      "1. Open **Setup** [1].",
      "- Pick _Users_ and `Reset`.",
      "> Note: see ![diagram](x.png) and [the guide](https://example.com).",
      "",
      "| a | b |",
      "| --- | --- |",
      "```js",
      "run();",
      "```",
      "<b>Done</b> ~~old~~",
    ].join("\n");
    expect(plainText(markdown)).toBe(
      "Steps Open Setup. Pick Users and Reset. Note: see diagram and the guide. a b run(); Done old",
    );
  });
});
