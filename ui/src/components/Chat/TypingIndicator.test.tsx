import { render, screen } from "@testing-library/react";
import { expect, test } from "vitest";
import { TypingIndicator } from "./TypingIndicator";

test("says the assistant is typing in a status, only while active", () => {
  const { rerender } = render(<TypingIndicator active={false} />);
  const status = screen.getByRole("status");
  expect(status).toBeEmptyDOMElement();
  rerender(<TypingIndicator active />);
  expect(screen.getByRole("status")).toHaveTextContent("The assistant is typing…");
  expect(status.querySelector(".motion-reduce\\:animate-none")).not.toBeNull();
});
