import { act, fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, test, vi } from "vitest";
import { Button } from "./Button";
import { Dialog } from "./Dialog";
import { IconButton } from "./IconButton";
import { LiveRegion } from "./LiveRegion";
import { Select } from "./Select";
import { SkipLink } from "./SkipLink";
import { Checkbox, Switch } from "./Switch";
import { CloseIcon } from "./icons";
import { VisuallyHidden } from "./VisuallyHidden";

describe("Button", () => {
  test("is a plain button by default and keeps extra classes", () => {
    render(<Button className="w-full">Send</Button>);
    const button = screen.getByRole("button", { name: "Send" });
    expect(button).toHaveAttribute("type", "button");
    expect(button.className).toContain("min-h-11");
    expect(button.className).toContain("w-full");
  });

  test("submits when asked", () => {
    render(
      <Button type="submit" variant="primary" size="sm">
        Go
      </Button>,
    );
    expect(screen.getByRole("button", { name: "Go" })).toHaveAttribute("type", "submit");
  });
});

describe("IconButton", () => {
  test("is named by its label", async () => {
    const onClick = vi.fn();
    render(<IconButton label="Close" icon={<CloseIcon />} onClick={onClick} className="extra" />);
    await userEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(onClick).toHaveBeenCalledOnce();
  });
});

function DialogHarness({ onClose }: { onClose?: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>Open</Button>
      <Dialog
        open={open}
        onClose={() => {
          onClose?.();
          setOpen(false);
        }}
        title="Settings"
        footer={<Button onClick={() => setOpen(false)}>Done</Button>}
      >
        <p>Body</p>
      </Dialog>
    </>
  );
}

describe("Dialog", () => {
  test("opens named by its title, closes with the close button and returns focus", async () => {
    render(<DialogHarness />);
    const opener = screen.getByRole("button", { name: "Open" });
    await userEvent.click(opener);
    const dialog = screen.getByRole("dialog", { name: "Settings" });
    expect(dialog).toHaveTextContent("Body");
    await userEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  test("Escape (the cancel event) closes through onClose", async () => {
    const onClose = vi.fn();
    render(<DialogHarness onClose={onClose} />);
    await userEvent.click(screen.getByRole("button", { name: "Open" }));
    fireEvent(screen.getByRole("dialog"), new Event("cancel", { cancelable: true }));
    expect(onClose).toHaveBeenCalledOnce();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  test("uses showModal when the browser has it", () => {
    const showModal = vi.fn(function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    });
    const close = vi.fn();
    Object.assign(HTMLElement.prototype, { showModal, close });
    try {
      const { rerender } = render(
        <Dialog open onClose={vi.fn()} title="Drawer" variant="drawer" className="x">
          <p>Body</p>
        </Dialog>,
      );
      expect(showModal).toHaveBeenCalledOnce();
      rerender(
        <Dialog open={false} onClose={vi.fn()} title="Drawer">
          <p>Body</p>
        </Dialog>,
      );
      expect(close).toHaveBeenCalledOnce();
    } finally {
      Reflect.deleteProperty(HTMLElement.prototype, "showModal");
      Reflect.deleteProperty(HTMLElement.prototype, "close");
    }
  });
});

describe("Switch and Checkbox", () => {
  test("a switch reports its new state", async () => {
    const onChange = vi.fn();
    render(
      <Switch label="High contrast" description="Stronger colours." checked={false} onChange={onChange} />,
    );
    const control = screen.getByRole("switch", { name: "High contrast" });
    expect(control).toHaveAccessibleDescription("Stronger colours.");
    await userEvent.click(control);
    expect(onChange).toHaveBeenCalledWith(true);
  });

  test("a checkbox is a checkbox", () => {
    render(<Checkbox label="Reduce motion" checked onChange={vi.fn()} id="motion" />);
    expect(screen.getByRole("checkbox", { name: "Reduce motion" })).toBeChecked();
  });
});

describe("Select", () => {
  test("reports the chosen option's value", async () => {
    const onChange = vi.fn();
    render(
      <Select
        label="Theme"
        value="system"
        onChange={onChange}
        options={[
          { value: "system", label: "System" },
          { value: "dark", label: "Dark" },
        ]}
      />,
    );
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Theme" }), "Dark");
    expect(onChange).toHaveBeenCalledWith("dark");
  });
});

describe("SkipLink", () => {
  test("moves focus to the target", async () => {
    render(
      <>
        <SkipLink targetId="composer">Skip to the message box</SkipLink>
        <textarea id="composer" aria-label="Message" />
      </>,
    );
    await userEvent.click(screen.getByRole("link", { name: "Skip to the message box" }));
    expect(screen.getByRole("textbox", { name: "Message" })).toHaveFocus();
  });

  test("does nothing special when the target is missing", async () => {
    render(<SkipLink targetId="nowhere">Skip</SkipLink>);
    await userEvent.click(screen.getByRole("link", { name: "Skip" }));
    expect(screen.getByRole("link", { name: "Skip" })).toHaveAttribute("href", "#nowhere");
  });
});

describe("LiveRegion", () => {
  test("is polite and atomic, and renders a new node when the same text repeats", () => {
    const { rerender } = render(<LiveRegion announcement={null} />);
    const region = screen.getByTestId("live-region");
    expect(region).toHaveAttribute("aria-live", "polite");
    expect(region).toHaveAttribute("aria-atomic", "true");
    expect(region).toBeEmptyDOMElement();
    rerender(<LiveRegion announcement={{ id: 1, text: "Connected again." }} />);
    const first = region.firstElementChild;
    expect(region).toHaveTextContent("Connected again.");
    act(() => rerender(<LiveRegion announcement={{ id: 2, text: "Connected again." }} />));
    expect(region).toHaveTextContent("Connected again.");
    expect(region.firstElementChild).not.toBe(first);
  });
});

test("VisuallyHidden keeps text for screen readers", () => {
  render(<VisuallyHidden>Hidden words</VisuallyHidden>);
  expect(screen.getByText("Hidden words")).toHaveClass("sr-only");
});
