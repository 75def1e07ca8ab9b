// A conversation that changed (a socket event or a REST answer) written into every TanStack Query cache that
// holds it: its own entry and the sidebar's pages, where a conversation not yet listed goes on top.
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type { Conversation, ConversationPage } from "./api";
import { queryKeys } from "./queryKeys";

export function cacheConversation(queryClient: QueryClient, conversation: Conversation): void {
  queryClient.setQueryData(queryKeys.conversation(conversation.id), conversation);
  queryClient.setQueryData<InfiniteData<ConversationPage, string | null>>(queryKeys.conversations, (data) => {
    if (!data) return data;
    const held = data.pages.some((page) => page.items.some((item) => item.id === conversation.id));
    const [first, ...rest] = data.pages;
    if (!held && first) {
      return { ...data, pages: [{ ...first, items: [conversation, ...first.items] }, ...rest] };
    }
    const pages = data.pages.map((page) => ({
      ...page,
      items: page.items.map((item) => (item.id === conversation.id ? conversation : item)),
    }));
    return { ...data, pages };
  });
}
