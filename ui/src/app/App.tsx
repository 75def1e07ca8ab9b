import { useTranslation } from "react-i18next";
import { ChatWindow } from "../components/Chat/ChatWindow";
import { AppLayout } from "../components/Layout/AppLayout";
import { LiveRegion } from "../components/ui/LiveRegion";
import { Welcome } from "../features/auth/Welcome";
import { useAuth } from "../hooks/useAuth";
import { useDisplayPreferences } from "../lib/useDisplayPreferences";
import { useConversationRoute } from "../lib/useHistoryPath";
import { useViewportHeight } from "../lib/useViewportHeight";
import type { AppServices } from "../services";
import { useAppSelector } from "../store";
import { AppProviders } from "./AppProviders";
import { ErrorBoundary } from "./ErrorBoundary";

export function App({ services }: { services?: AppServices }) {
  return (
    <ErrorBoundary>
      {services ? (
        <AppProviders services={services}>
          <Shell />
        </AppProviders>
      ) : (
        <AppProviders>
          <Shell />
        </AppProviders>
      )}
    </ErrorBoundary>
  );
}

/** Picks the page for the session state and holds the one polite live region. */
export function Shell() {
  useDisplayPreferences();
  useViewportHeight();
  const { status } = useAuth();
  const announcement = useAppSelector((state) => state.ui.announcement);
  return (
    <>
      {status === "restoring" ? <Loading /> : status === "signedOut" ? <Welcome /> : <SignedIn />}
      <LiveRegion announcement={announcement} />
    </>
  );
}

function Loading() {
  const { t } = useTranslation();
  return (
    <main className="bg-canvas text-muted flex min-h-[var(--app-height,100dvh)] items-center justify-center">
      <p role="status">{t("app.loading")}</p>
    </main>
  );
}

function SignedIn() {
  const { conversationId, openConversation } = useConversationRoute();
  return (
    <AppLayout conversationId={conversationId} onOpen={openConversation}>
      <ChatWindow
        conversationId={conversationId}
        // The first message created the conversation: give it its URL without a new history entry.
        onConversationCreated={(id) => openConversation(id, { replace: true })}
      />
    </AppLayout>
  );
}
