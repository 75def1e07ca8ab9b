import {
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type SubmitEvent,
  type KeyboardEvent,
  type Ref,
} from "react";
import { useTranslation } from "react-i18next";
import { buttonClasses } from "../ui";

/** The server's limit for one message (contract: 1–8000 characters). */
export const MAX_MESSAGE_LENGTH = 8000;
/** The counter appears once this few characters are left. */
const COUNTER_FROM = 500;
/** The box grows with its text up to about eight lines, then scrolls. */
const MAX_HEIGHT_PX = 200;

export interface MessageInputProps {
  onSend: (text: string) => void;
  onStop: () => void;
  /** A reply is pending: show "Stop waiting" and let Escape stop it. */
  awaitingReply: boolean;
  /** The conversation has ended: no more messages. */
  closed?: boolean;
  /** The textarea, so the chat can return focus to it after other actions. */
  ref?: Ref<HTMLTextAreaElement>;
}

/** The composer: Enter sends, Shift+Enter adds a line, Escape stops waiting for a reply. */
export function MessageInput({ onSend, onStop, awaitingReply, closed = false, ref }: MessageInputProps) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const textareaRef = useRef<HTMLTextAreaElement | null>(null);
  const hintId = useId();
  const counterId = useId();
  const closedId = useId();
  const blank = text.trim() === "";
  const left = MAX_MESSAGE_LENGTH - text.length;
  const showCounter = left <= COUNTER_FROM;

  useLayoutEffect(() => {
    const element = textareaRef.current;
    if (!element) return;
    element.style.height = "auto";
    element.style.height = `${String(Math.min(element.scrollHeight, MAX_HEIGHT_PX))}px`;
  }, [text]);

  const setRefs = (element: HTMLTextAreaElement | null) => {
    textareaRef.current = element;
    if (typeof ref === "function") ref(element);
    else if (ref) ref.current = element;
  };

  const send = () => {
    if (blank || closed) return;
    onSend(text.trim());
    setText("");
    textareaRef.current?.focus();
  };

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method is composing (Japanese, Chinese…), Enter confirms the characters, not the message.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === "Escape" && awaitingReply) {
      event.preventDefault();
      onStop();
    }
  };

  const stop = () => {
    onStop();
    textareaRef.current?.focus();
  };

  const describedBy = [hintId, showCounter ? counterId : null, closed ? closedId : null]
    .filter(Boolean)
    .join(" ");

  return (
    <form onSubmit={onSubmit} className="border-t border-line bg-surface px-4 py-3">
      {closed ? (
        <p id={closedId} className="mb-2 text-sm text-muted">
          {t("chat.composer.resolved")}
        </p>
      ) : null}
      <div className="flex items-end gap-2">
        <label htmlFor="composer" className="sr-only">
          {t("chat.composer.label")}
        </label>
        <textarea
          id="composer"
          ref={setRefs}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          maxLength={MAX_MESSAGE_LENGTH}
          rows={1}
          disabled={closed}
          placeholder={t("chat.composer.placeholder")}
          aria-describedby={describedBy}
          className="min-h-11 flex-1 resize-none overflow-y-auto rounded-lg border border-line bg-canvas px-3 py-2 text-fg placeholder:text-muted disabled:opacity-70"
          style={{ maxHeight: MAX_HEIGHT_PX }}
        />
        {awaitingReply && !closed ? (
          <button type="button" onClick={stop} className={buttonClasses("secondary", "md")}>
            {t("chat.composer.stop")}
          </button>
        ) : null}
        <button type="submit" disabled={blank || closed} className={buttonClasses("primary", "md")}>
          {t("chat.composer.send")}
        </button>
      </div>
      <p id={hintId} className="sr-only">
        {t("chat.composer.hint")}
      </p>
      {showCounter ? (
        <p id={counterId} className={`mt-1 text-end text-xs ${left === 0 ? "text-danger" : "text-muted"}`}>
          {t("chat.composer.charactersLeft", { count: left })}
        </p>
      ) : null}
    </form>
  );
}
