import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createRef } from "react";
import { describe, expect, test, vi } from "vitest";
import { MAX_MESSAGE_LENGTH, MessageInput, type MessageInputProps } from "./MessageInput";

function renderInput(props: Partial<MessageInputProps> = {}) {
  const handlers = { onSend: vi.fn(), onStop: vi.fn() };
  const result = render(<MessageInput awaitingReply={false} {...handlers} {...props} />);
  return { ...result, handlers, box: screen.getByRole("textbox", { name: "Message" }) };
}

describe("MessageInput", () => {
  test("is a textarea labelled Message with id composer", () => {
    const { box } = renderInput();
    expect(box).toHaveAttribute("id", "composer");
    expect(box).toHaveAccessibleDescription(/Press Enter to send/);
  });

  test("Send is disabled exactly while the text is blank", async () => {
    const user = userEvent.setup();
    const { box } = renderInput();
    const send = screen.getByRole("button", { name: "Send" });
    expect(send).toBeDisabled();
    await user.type(box, "   ");
    expect(send).toBeDisabled();
    await user.type(box, "x");
    expect(send).toBeEnabled();
  });

  test("Enter sends the trimmed text, clears the box and keeps focus", async () => {
    const user = userEvent.setup();
    const { box, handlers } = renderInput();
    await user.type(box, "  Hello  {Enter}");
    expect(handlers.onSend).toHaveBeenCalledWith("Hello");
    expect(box).toHaveValue("");
    expect(box).toHaveFocus();
  });

  test("Shift+Enter adds a line; Enter on a blank box sends nothing", async () => {
    const user = userEvent.setup();
    const { box, handlers } = renderInput();
    await user.type(box, "{Enter}");
    expect(handlers.onSend).not.toHaveBeenCalled();
    await user.type(box, "one{Shift>}{Enter}{/Shift}two");
    expect(box).toHaveValue("one\ntwo");
    expect(handlers.onSend).not.toHaveBeenCalled();
  });

  test("Enter while an input method is composing does not send", () => {
    const { box, handlers } = renderInput();
    fireEvent.change(box, { target: { value: "にほん" } });
    fireEvent.keyDown(box, { key: "Enter", isComposing: true });
    expect(handlers.onSend).not.toHaveBeenCalled();
  });

  test("the Send button sends and focus returns to the box", async () => {
    const user = userEvent.setup();
    const ref = createRef<HTMLTextAreaElement>();
    const { box, handlers } = renderInput({ ref });
    expect(ref.current).toBe(box);
    await user.type(box, "Question");
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(handlers.onSend).toHaveBeenCalledWith("Question");
    expect(box).toHaveFocus();
  });

  test("Stop waiting shows only while a reply is pending; Escape does the same", async () => {
    const user = userEvent.setup();
    const { box, handlers, rerender } = renderInput();
    expect(screen.queryByRole("button", { name: "Stop waiting" })).toBeNull();
    await user.type(box, "{Escape}");
    expect(handlers.onStop).not.toHaveBeenCalled();
    rerender(<MessageInput awaitingReply {...handlers} />);
    await user.click(screen.getByRole("button", { name: "Stop waiting" }));
    expect(handlers.onStop).toHaveBeenCalledTimes(1);
    expect(box).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(handlers.onStop).toHaveBeenCalledTimes(2);
  });

  test("counts the characters left near the limit", () => {
    const { box } = renderInput();
    fireEvent.change(box, { target: { value: "a".repeat(MAX_MESSAGE_LENGTH - 600) } });
    expect(screen.queryByText(/characters? left/)).toBeNull();
    fireEvent.change(box, { target: { value: "a".repeat(MAX_MESSAGE_LENGTH - 1) } });
    expect(screen.getByText("1 character left")).toBeInTheDocument();
    fireEvent.change(box, { target: { value: "a".repeat(MAX_MESSAGE_LENGTH) } });
    expect(box).toHaveAccessibleDescription(/0 characters left/);
    expect(box).toHaveAttribute("maxlength", String(MAX_MESSAGE_LENGTH));
  });

  test("a resolved conversation disables the composer and says why", () => {
    const { box } = renderInput({ closed: true, awaitingReply: true });
    expect(box).toBeDisabled();
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
    expect(screen.queryByRole("button", { name: "Stop waiting" })).toBeNull();
    expect(box).toHaveAccessibleDescription(/This chat has ended/);
  });

  test("a callback ref receives the textarea", () => {
    const ref = vi.fn();
    renderInput({ ref });
    expect(ref).toHaveBeenCalledWith(expect.any(HTMLTextAreaElement));
  });
});
