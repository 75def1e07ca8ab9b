import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, test, vi } from "vitest";
import { renderWithStore } from "../Chat/testing";
import { Markdown } from "./Markdown";

describe("Markdown", () => {
  test("renders GFM: emphasis, lists and tables", async () => {
    renderWithStore(
      <Markdown>{"**Bold** text\n\n- one\n- two\n\n| a | b |\n| - | - |\n| 1 | 2 |"}</Markdown>,
    );
    expect(await screen.findByText("Bold")).toHaveProperty("tagName", "STRONG");
    expect(screen.getAllByRole("listitem")).toHaveLength(2);
    expect(screen.getByRole("table")).toBeInTheDocument();
  });

  test("never renders raw HTML", async () => {
    const { container } = renderWithStore(
      <Markdown>{'Hi <script>alert(1)</script><img src="x" onerror="alert(1)"> <b>there</b>'}</Markdown>,
    );
    await screen.findByText(/there/);
    expect(container.querySelector("script, img, b")).toBeNull();
  });

  test("web links open in a new tab; unsafe links are plain text", async () => {
    renderWithStore(
      <Markdown>
        {"[Help](https://help.example.com) [Bad](javascript:alert(1)) [Mail](mailto:a@example.com)"}
      </Markdown>,
    );
    const help = await screen.findByRole("link", { name: /^Help\s*\(opens in a new tab\)$/ });
    expect(help).toHaveAttribute("href", "https://help.example.com/");
    expect(help).toHaveAttribute("target", "_blank");
    expect(help).toHaveAttribute("rel", "noopener noreferrer");
    expect(screen.queryByRole("link", { name: /Bad/ })).toBeNull();
    expect(screen.getByText("Bad")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Mail" })).toHaveAttribute("href", "mailto:a@example.com");
  });

  test("images become links, never <img>", async () => {
    const { container } = renderWithStore(
      <Markdown>{"![A chart](https://example.com/c.png) ![x](ftp://x)"}</Markdown>,
    );
    expect(await screen.findByRole("link", { name: /A chart/ })).toBeInTheDocument();
    expect(container.querySelector("img")).toBeNull();
    expect(screen.getByText("x")).toBeInTheDocument();
  });

  test("headings are nested under the message", async () => {
    renderWithStore(<Markdown>{"# Big\n\n#### Small"}</Markdown>);
    expect(await screen.findByRole("heading", { name: "Big", level: 3 })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Small", level: 4 })).toBeInTheDocument();
  });

  test("code blocks are highlighted and can be copied", async () => {
    const user = userEvent.setup();
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const { container, store } = renderWithStore(
      <Markdown>{"```apex\npublic class Foo { Integer x = 1; }\n```"}</Markdown>,
    );
    await waitFor(() => expect(container.querySelector(".hljs-keyword")).not.toBeNull());
    expect(screen.getByText("apex")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Copy code" }));
    expect(writeText).toHaveBeenCalledWith("public class Foo { Integer x = 1; }");
    expect(store.getState().ui.announcement?.text).toBe("Code copied");
  });

  test("a failed copy is announced", async () => {
    const user = userEvent.setup();
    const writeText = vi.fn().mockRejectedValue(new Error("denied"));
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    const { store } = renderWithStore(<Markdown>{"```\nplain\n```"}</Markdown>);
    await user.click(await screen.findByRole("button", { name: "Copy code" }));
    await waitFor(() => expect(store.getState().ui.announcement?.text).toBe("The code could not be copied."));
  });

  test("unknown languages stay plain", async () => {
    const { container } = renderWithStore(<Markdown>{"```cobol\nDISPLAY 'HI'.\n```"}</Markdown>);
    expect(await screen.findByText("DISPLAY 'HI'.")).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(container.querySelector("[class^=hljs-]")).toBeNull();
  });
});
