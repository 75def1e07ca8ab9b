import { act, render, screen } from "@testing-library/react";
import { afterEach, expect, test, vi } from "vitest";

afterEach(() => {
  vi.doUnmock("./MarkdownRenderer");
  vi.resetModules();
});

test("a renderer chunk that cannot load leaves plain text, and loads when the browser is back online", async () => {
  vi.resetModules();
  const network = { up: false };
  vi.doMock("./MarkdownRenderer", () => {
    if (!network.up) throw new Error("Failed to fetch dynamically imported module");
    return { default: ({ children }: { children: string }) => <div>rendered: {children}</div> };
  });
  const { Markdown } = await import("./Markdown");
  render(<Markdown>{"**Reset** it"}</Markdown>);
  expect(screen.getByText("**Reset** it")).toHaveAttribute("dir", "auto");
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  expect(screen.getByText("**Reset** it")).toBeInTheDocument();

  network.up = true;
  act(() => {
    window.dispatchEvent(new Event("online"));
  });
  expect(await screen.findByText("rendered: **Reset** it")).toBeInTheDocument();
});
