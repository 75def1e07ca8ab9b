import { ChatWindow } from "../components/Chat/ChatWindow";
import { AppLayout } from "../components/Layout/AppLayout";
import { useConversationRoute } from "../lib/useHistoryPath";

/** The signed-in app: header, sidebar, the open conversation. Loaded lazily by App. */
export function SignedIn() {
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
