// Conversations from the server, cached by TanStack Query; the socket's conversation.updated events write into
// the same cache (see services/chat.ts), so lists and headers follow status and case changes live.
import { useInfiniteQuery, useQuery, type InfiniteData } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Conversation, ConversationPage } from "../services/api";
import { queryKeys } from "../services/queryKeys";
import { useAppSelector } from "../store";
import { useServices } from "./useServices";

export function useConversations(): {
  conversations: Conversation[];
  isLoading: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore(): void;
} {
  const { api } = useServices();
  const signedIn = useAppSelector((state) => state.auth.status === "signedIn");
  const query = useInfiniteQuery({
    queryKey: queryKeys.conversations,
    queryFn: ({ pageParam }) => api.listConversations(pageParam ? { cursor: pageParam } : {}),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    enabled: signedIn,
  });
  const conversations = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useMemo(
    () => () => {
      if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
    },
    [hasNextPage, isFetchingNextPage, fetchNextPage],
  );
  return { conversations, isLoading: query.isLoading, error: query.error, hasMore: hasNextPage, loadMore };
}

export function useConversation(id: string | null): Conversation | null {
  const { api, queryClient } = useServices();
  const signedIn = useAppSelector((state) => state.auth.status === "signedIn");
  const query = useQuery({
    queryKey: queryKeys.conversation(id ?? ""),
    queryFn: () => api.getConversation(id ?? ""),
    enabled: signedIn && id !== null,
    // Shown at once from the list when it holds the conversation; fetched only when it does not.
    initialData: () =>
      queryClient
        .getQueryData<InfiniteData<ConversationPage, string | null>>(queryKeys.conversations)
        ?.pages.flatMap((page) => page.items)
        .find((item) => item.id === id),
    initialDataUpdatedAt: () => queryClient.getQueryState(queryKeys.conversations)?.dataUpdatedAt,
  });
  return id === null ? null : (query.data ?? null);
}
