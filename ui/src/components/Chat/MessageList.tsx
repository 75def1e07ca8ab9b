import { useVirtualizer } from "@tanstack/react-virtual";
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { useTranslation } from "react-i18next";
import { MessageItem } from "./MessageItem";
import type { ChatItem, MessageActions } from "./types";

export interface MessageListProps extends MessageActions {
  items: readonly ChatItem[];
  isLoadingHistory: boolean;
  hasOlder: boolean;
  onLoadOlder: () => void;
  canEscalate: boolean;
  /** Shown instead of the feed while there are no messages. */
  empty?: ReactNode;
}

/** Within this many pixels of the end the list counts as "at the bottom" and follows new text. */
const BOTTOM_THRESHOLD = 48;
/** Older messages load when the reader scrolls this close to the top. */
const TOP_THRESHOLD = 200;

/**
 * The transcript: a virtualised WAI-ARIA feed. Only the rows near the viewport are in the DOM, so long
 * conversations stay fast; each row is an <article> with aria-posinset/aria-setsize so screen readers still
 * know where they are, and Page Down / Page Up move between messages (scrolling unrendered ones into the DOM).
 * It is deliberately not a live region: finished replies are announced once through the app's live region.
 */
export function MessageList({
  items,
  isLoadingHistory,
  hasOlder,
  onLoadOlder,
  canEscalate,
  empty,
  onRetry,
  onQuickReply,
  onRate,
  onEscalate,
}: MessageListProps) {
  const { t } = useTranslation();
  const scrollRef = useRef<HTMLDivElement>(null);
  const feedRef = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [activeIndex, setActiveIndex] = useState<number | null>(null);
  const pendingFocus = useRef<number | null>(null);
  // Ask for older messages once per list length, not on every scroll event at the top.
  const olderRequestedAt = useRef<number | null>(null);
  const count = items.length;

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser re-renders this list itself on scroll; nothing here relies on compiler memoisation
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 96,
    getItemKey: (index) => items[index]?.key ?? index,
    overscan: 6,
    paddingStart: 8,
    paddingEnd: 8,
    // Chat behaviour: keep the reader's place when older messages are prepended, and follow new messages and
    // growing streamed text while the reader is at the bottom.
    anchorTo: "end",
    followOnAppend: true,
    scrollEndThreshold: BOTTOM_THRESHOLD,
    // Rows are measured from their ref callbacks during React's commit, where a synchronous flush is not allowed
    // (React 19 warns); a normal re-render one frame later looks the same.
    useFlushSync: false,
  });

  // Open at the newest message.
  const hasItems = count > 0;
  useLayoutEffect(() => {
    if (hasItems) virtualizer.scrollToIndex(count - 1, { align: "end" });
    // Only when the transcript first fills (a conversation opened), not on every new message.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [hasItems]);

  // A message the user just sent brings them to the bottom even if they had scrolled up.
  const last = items[count - 1];
  const lastIsOwnNew = last?.role === "user" && last.status === "sending";
  const lastKey = last?.key;
  useEffect(() => {
    if (lastIsOwnNew) virtualizer.scrollToIndex(count - 1, { align: "end" });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- run once per newly sent message
  }, [lastKey, lastIsOwnNew]);

  const onScroll = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const distance = element.scrollHeight - element.scrollTop - element.clientHeight;
    setAtBottom(distance <= BOTTOM_THRESHOLD);
    if (
      element.scrollTop <= TOP_THRESHOLD &&
      hasOlder &&
      !isLoadingHistory &&
      olderRequestedAt.current !== count
    ) {
      olderRequestedAt.current = count;
      onLoadOlder();
    }
  }, [count, hasOlder, isLoadingHistory, onLoadOlder]);

  const rowElement = (index: number) =>
    feedRef.current?.querySelector<HTMLElement>(`article[data-index="${String(index)}"]`) ?? null;

  // Focus a row; if it is not rendered yet, scroll it into the window and focus it after the next render.
  const focusRow = (index: number) => {
    const target = Math.max(0, Math.min(count - 1, index));
    setActiveIndex(target);
    const element = rowElement(target);
    if (element) {
      element.focus();
      return;
    }
    pendingFocus.current = target;
    virtualizer.scrollToIndex(target, { align: "auto" });
  };

  useEffect(() => {
    if (pendingFocus.current === null) return;
    const element = rowElement(pendingFocus.current);
    if (element) {
      pendingFocus.current = null;
      element.focus();
    }
  });

  // Feed keyboard model (WAI-ARIA APG): Page Down / Page Up to the next / previous message, Home / End (on a
  // message) to the first / last loaded one.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>("article[data-index]");
    if (!row) return;
    const index = Number(row.dataset.index);
    const onRow = target === row;
    let next: number | null = null;
    if (event.key === "PageDown") next = index + 1;
    else if (event.key === "PageUp") next = index - 1;
    else if (event.key === "Home" && onRow) next = 0;
    else if (event.key === "End" && onRow) next = count - 1;
    if (next === null) return;
    event.preventDefault();
    focusRow(next);
  };

  const onFocus = (event: React.FocusEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>("article[data-index]");
    if (row) setActiveIndex(Number(row.dataset.index));
  };

  const jumpToLatest = () => {
    virtualizer.scrollToIndex(count - 1, { align: "end" });
    setAtBottom(true);
    focusRow(count - 1);
  };

  const virtualItems = virtualizer.getVirtualItems();
  // One message is in the Tab order (roving tabindex): the last one focused, else the newest in view.
  const rendered = new Set(virtualItems.map((row) => row.index));
  const tabbableIndex =
    activeIndex !== null && rendered.has(activeIndex)
      ? activeIndex
      : rendered.has(count - 1)
        ? count - 1
        : virtualItems[0]?.index;
  const setSize = hasOlder ? -1 : count;

  return (
    <section aria-label={t("chat.messages")} className="relative flex min-h-0 flex-1 flex-col">
      {hasOlder ? (
        <div className="flex justify-center border-b border-line py-1">
          <button
            type="button"
            onClick={onLoadOlder}
            disabled={isLoadingHistory}
            className="min-h-8 rounded-md px-3 text-sm text-link underline disabled:text-muted disabled:no-underline"
          >
            {isLoadingHistory ? t("chat.loadingOlder") : t("chat.loadOlder")}
          </button>
        </div>
      ) : null}
      <div ref={scrollRef} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto overscroll-contain">
        {count === 0 && !isLoadingHistory ? (
          empty
        ) : (
          // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- the APG feed pattern is keyboard-operable: Page Up/Down move between articles
          <div
            ref={feedRef}
            role="feed"
            aria-busy={isLoadingHistory}
            aria-label={t("chat.messages")}
            onKeyDown={onKeyDown}
            onFocus={onFocus}
            className="relative w-full"
            style={{ height: virtualizer.getTotalSize() }}
          >
            {virtualItems.map((row) => {
              const item = items[row.index];
              if (!item) return null;
              return (
                <MessageItem
                  key={row.key}
                  ref={virtualizer.measureElement}
                  index={row.index}
                  style={{
                    position: "absolute",
                    insetInlineStart: 0,
                    top: 0,
                    width: "100%",
                    transform: `translateY(${String(row.start)}px)`,
                  }}
                  item={item}
                  isLatest={row.index === count - 1}
                  canEscalate={canEscalate}
                  posInSet={row.index + 1}
                  setSize={setSize}
                  tabIndex={row.index === tabbableIndex ? 0 : -1}
                  onRetry={onRetry}
                  onQuickReply={onQuickReply}
                  onRate={onRate}
                  onEscalate={onEscalate}
                />
              );
            })}
          </div>
        )}
      </div>
      {!atBottom && count > 0 ? (
        <button
          type="button"
          onClick={jumpToLatest}
          className="absolute inset-x-0 bottom-3 mx-auto min-h-11 w-fit rounded-full bg-accent px-4 text-sm font-medium text-on-accent shadow-md hover:bg-accent-hover sm:min-h-9"
        >
          {t("chat.jumpToLatest")}
        </button>
      ) : null}
    </section>
  );
}
