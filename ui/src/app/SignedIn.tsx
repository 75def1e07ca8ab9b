import { Suspense, lazy } from "react";
import { ChatWindow } from "../components/Chat/ChatWindow";
import { AppLayout } from "../components/Layout/AppLayout";
import { AdminLink } from "../features/admin/AdminLink";
import { isAdminPath } from "../features/admin/links";
import { useAuth } from "../hooks/useAuth";
import { useConversationRoute, useHistoryPath } from "../lib/useHistoryPath";

// Only admins ever open the model screen: its code is a chunk of its own, fetched when they do.
const AdminPage = lazy(() =>
  import("../features/admin/AdminPage").then((module) => ({ default: module.AdminPage })),
);

/** The signed-in app: header, sidebar, the open conversation; for an admin at /admin, the model screen. */
export function SignedIn() {
  const { conversationId, openConversation } = useConversationRoute();
  const { path } = useHistoryPath();
  const isAdmin = useAuth().user?.role === "admin";
  if (isAdmin && isAdminPath(path)) {
    return (
      <Suspense fallback={null}>
        <AdminPage />
      </Suspense>
    );
  }
  return (
    <AppLayout conversationId={conversationId} onOpen={openConversation}>
      {isAdmin ? <AdminLink /> : null}
      <ChatWindow
        conversationId={conversationId}
        // The first message created the conversation: give it its URL without a new history entry.
        onConversationCreated={(id) => openConversation(id, { replace: true })}
      />
    </AppLayout>
  );
}
