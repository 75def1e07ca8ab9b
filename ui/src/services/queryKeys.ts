// TanStack Query keys, in one place so the socket's updates and the hooks' queries agree.
export const queryKeys = {
  conversations: ["conversations"] as const,
  conversation: (id: string) => ["conversation", id] as const,
};
