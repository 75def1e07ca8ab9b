import type { MouseEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Conversation } from "../../services/api";
import { useConversations } from "../../hooks/useConversations";
import { errorMessage } from "../../services/api";
import { formatDate } from "../../lib/format";
import { conversationPath } from "../../lib/useHistoryPath";
import { Button } from "../ui/Button";
import { PlusIcon } from "../ui/icons";

export interface SidebarViewProps {
  conversations: readonly Conversation[];
  isLoading: boolean;
  error: unknown;
  hasMore: boolean;
  onLoadMore: () => void;
  /** The open conversation (from the URL); null while a new one is being written. */
  currentId: string | null;
  /** Open a conversation, or null for a new one. */
  onOpen: (id: string | null) => void;
}

/** A plain click opens in place; a click with a modifier key keeps the browser's own behaviour (new tab…). */
function isPlainClick(event: MouseEvent) {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

export function SidebarView({
  conversations,
  isLoading,
  error,
  hasMore,
  onLoadMore,
  currentId,
  onOpen,
}: SidebarViewProps) {
  const { t, i18n } = useTranslation();
  return (
    <nav aria-label={t("sidebar.label")} className="flex h-full min-h-0 flex-col gap-3 p-3">
      <Button variant="primary" className="w-full" onClick={() => onOpen(null)}>
        <PlusIcon />
        {t("sidebar.new")}
      </Button>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {error ? (
          <p role="alert" className="text-danger text-sm">
            {t("sidebar.error")} {errorMessage(error)}
          </p>
        ) : null}
        {isLoading ? (
          <p role="status" className="text-muted text-sm">
            {t("sidebar.loading")}
          </p>
        ) : null}
        {!isLoading && !error && conversations.length === 0 ? (
          <p className="text-muted text-sm">{t("sidebar.empty")}</p>
        ) : null}
        {conversations.length > 0 ? (
          <ul className="flex flex-col gap-1">
            {conversations.map((conversation) => {
              const current = conversation.id === currentId;
              const date = formatDate(conversation.last_activity_at, i18n.language);
              return (
                <li key={conversation.id}>
                  <a
                    href={conversationPath(conversation.id)}
                    aria-current={current ? "page" : undefined}
                    onClick={(event) => {
                      if (!isPlainClick(event)) return;
                      event.preventDefault();
                      onOpen(conversation.id);
                    }}
                    className={`text-fg block min-h-11 rounded-md px-3 py-2 no-underline hover:bg-canvas ${
                      current
                        ? "bg-canvas border-accent border-s-4 font-semibold"
                        : "border-s-4 border-transparent"
                    }`}
                  >
                    <span className="block truncate">
                      {conversation.title.length > 0
                        ? conversation.title
                        : t("sidebar.untitled", { date: formatDate(conversation.created_at, i18n.language) })}
                    </span>
                    <span className="text-muted block text-sm">
                      {t(`header.status.${conversation.status}`)} · {date}
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
        ) : null}
        {hasMore ? (
          <Button variant="ghost" size="sm" className="mt-2 w-full" onClick={onLoadMore}>
            {t("sidebar.loadMore")}
          </Button>
        ) : null}
      </div>
    </nav>
  );
}

export function Sidebar({ currentId, onOpen }: Pick<SidebarViewProps, "currentId" | "onOpen">) {
  const list = useConversations();
  const { conversations, isLoading, error, hasMore } = list;
  return (
    <SidebarView
      conversations={conversations}
      isLoading={isLoading}
      error={error}
      hasMore={hasMore}
      onLoadMore={() => list.loadMore()}
      currentId={currentId}
      onOpen={onOpen}
    />
  );
}
