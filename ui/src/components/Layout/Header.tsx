import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "../../hooks/useAuth";
import { useChat } from "../../hooks/useChat";
import { buildTranscript, downloadText, transcriptFileName } from "../../lib/transcript";
import { navigate } from "../../lib/useHistoryPath";
import { errorMessage, type Conversation } from "../../services/api";
import { useAppDispatch } from "../../store";
import { announce, setSidebarOpen } from "../../store/slices/uiSlice";
import { Button } from "../ui/Button";
import { Dialog } from "../ui/Dialog";
import { DownloadIcon, EndIcon, MenuIcon, PersonIcon, SettingsIcon, SignOutIcon } from "../ui/icons";
import { SettingsDialog } from "./SettingsDialog";

export interface HeaderViewProps {
  conversation: Conversation | null;
  userName: string | null;
  canDownload: boolean;
  onEscalate: () => Promise<void>;
  onEnd: () => Promise<void>;
  onDownload: () => void;
  onOpenSettings: () => void;
  onOpenConversations: () => void;
  onSignOut: () => void;
}

/**
 * A header action: icon and text. The text is the accessible name everywhere and is shown from `showFrom` up;
 * on narrow screens only the icon shows (with a tooltip) so the header fits 320 px.
 */
function Action({
  icon,
  label,
  showFrom = "xl",
  ...rest
}: {
  icon: ReactNode;
  label: string;
  showFrom?: "sm" | "xl";
  onClick: () => void;
  disabled?: boolean;
  className?: string;
}) {
  const textClass = showFrom === "sm" ? "sr-only sm:not-sr-only" : "sr-only xl:not-sr-only";
  return (
    <Button
      variant="ghost"
      size="sm"
      title={label}
      // Tighter padding below md so six actions and the name fit in 320 px.
      className={`shrink-0 px-1! md:min-h-11 md:min-w-11 md:px-3! ${rest.className ?? ""}`}
      onClick={rest.onClick}
      disabled={rest.disabled}
    >
      {icon}
      <span className={textClass}>{label}</span>
    </Button>
  );
}

export function HeaderView({
  conversation,
  userName,
  canDownload,
  onEscalate,
  onEnd,
  onDownload,
  onOpenSettings,
  onOpenConversations,
  onSignOut,
}: HeaderViewProps) {
  const { t } = useTranslation();
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const status = conversation?.status ?? null;
  const ended = status === "resolved" || status === "abandoned";
  const escalated = status === "escalated" || conversation?.case != null;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <header className="bg-surface border-line border-b">
      <div className="flex items-center gap-0.5 px-2 py-1 md:gap-2 md:px-4">
        <Action
          icon={<MenuIcon />}
          label={t("header.conversations")}
          onClick={onOpenConversations}
          className="md:hidden"
        />
        <p className="ms-1 me-auto min-w-0 truncate text-lg font-semibold">{t("app.name")}</p>
        <Action
          icon={<PersonIcon />}
          label={t("header.escalate")}
          showFrom="sm"
          disabled={!conversation || busy || escalated || ended}
          onClick={() => void run(onEscalate)}
        />
        <Action
          icon={<EndIcon />}
          label={t("header.end")}
          disabled={!conversation || busy || ended}
          onClick={() => setConfirmOpen(true)}
        />
        <Action
          icon={<DownloadIcon />}
          label={t("header.download")}
          disabled={!canDownload}
          onClick={onDownload}
        />
        <Action icon={<SettingsIcon />} label={t("header.settings")} onClick={onOpenSettings} />
        <Action icon={<SignOutIcon />} label={t("header.signOut")} onClick={onSignOut} />
      </div>
      {conversation && (escalated || ended) ? (
        <div className="text-muted flex flex-wrap gap-x-3 px-4 pb-2 text-sm">
          {conversation.case ? (
            <>
              <span>{t("header.caseNumber", { number: conversation.case.number })}</span>
              <span>{t(`header.caseStatus.${conversation.case.status}`)}</span>
            </>
          ) : null}
          <span className="text-fg font-medium">{t(`header.status.${conversation.status}`)}</span>
        </div>
      ) : null}
      {userName ? <p className="sr-only">{t("header.signedInAs", { name: userName })}</p> : null}
      {error ? (
        <p role="alert" className="text-danger bg-danger-soft px-4 py-2 text-sm">
          {error}
        </p>
      ) : null}
      <Dialog
        open={confirmOpen}
        onClose={() => setConfirmOpen(false)}
        title={t("header.endTitle")}
        footer={
          <>
            <Button onClick={() => setConfirmOpen(false)}>{t("header.cancel")}</Button>
            <Button
              variant="danger"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  try {
                    await onEnd();
                  } finally {
                    setConfirmOpen(false);
                  }
                })
              }
            >
              {t("header.endConfirm")}
            </Button>
          </>
        }
      >
        <p>{t("header.endBody")}</p>
      </Dialog>
    </header>
  );
}

export function Header({ conversationId }: { conversationId: string | null }) {
  const { t, i18n } = useTranslation();
  const dispatch = useAppDispatch();
  const auth = useAuth();
  const chat = useChat(conversationId);
  const { items, conversation } = chat;
  const [settingsOpen, setSettingsOpen] = useState(false);
  const title = conversation?.title ?? "";
  const appName = t("app.name");

  // The tab title names the open conversation (WCAG 2.4.2), so tabs and history entries are told apart.
  useEffect(() => {
    document.title = title.length > 0 ? `${title} – ${appName}` : appName;
  }, [title, appName]);

  return (
    <>
      <HeaderView
        conversation={conversation}
        userName={auth.user?.display_name ?? null}
        canDownload={items.length > 0}
        onEscalate={() => chat.escalate()}
        onEnd={async () => {
          await chat.close();
          dispatch(announce(t("header.ended")));
        }}
        onDownload={() => {
          const text = buildTranscript({ items, conversation, t, language: i18n.language });
          downloadText(text, transcriptFileName(t));
        }}
        onOpenSettings={() => setSettingsOpen(true)}
        onOpenConversations={() => dispatch(setSidebarOpen(true))}
        onSignOut={() => {
          // The next person to sign in on this device starts at a new conversation, not at this one's URL.
          navigate("/", { replace: true });
          auth.signOut();
        }}
      />
      <SettingsDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </>
  );
}
