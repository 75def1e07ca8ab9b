// The admin screen's server state, all in TanStack Query: the models list, the audit log (cursor pages), and the
// three lifecycle actions. Each action answers the updated list, which replaces the cached one at once, and makes
// the audit log stale so the new entry shows.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useServices } from "../../hooks/useServices";
import type { CanaryIn, ModelList, PromoteIn, RollbackIn } from "../../services/api";

export const adminKeys = {
  models: ["admin", "models"] as const,
  audit: ["admin", "audit"] as const,
};

/** Audit entries per page: enough to fill a screen, small enough to answer fast. */
export const AUDIT_PAGE_SIZE = 20;

export function useModels() {
  const { api } = useServices();
  return useQuery({ queryKey: adminKeys.models, queryFn: () => api.adminModels() });
}

export function useAuditLog() {
  const { api } = useServices();
  return useInfiniteQuery({
    queryKey: adminKeys.audit,
    queryFn: ({ pageParam }) =>
      api.adminAudit(
        pageParam === null ? { limit: AUDIT_PAGE_SIZE } : { limit: AUDIT_PAGE_SIZE, cursor: pageParam },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
  });
}

export type LifecycleAction =
  | { kind: "canary"; body: CanaryIn }
  | { kind: "promote"; body: PromoteIn }
  | { kind: "rollback"; body: RollbackIn };

/** Run one lifecycle action; on success the answered list becomes the cached one. */
export function useLifecycleAction() {
  const { api } = useServices();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: LifecycleAction): Promise<ModelList> => {
      switch (action.kind) {
        case "canary":
          return api.startCanary(action.body);
        case "promote":
          return api.promote(action.body);
        case "rollback":
          return api.rollback(action.body);
      }
    },
    onSuccess: async (list) => {
      queryClient.setQueryData(adminKeys.models, list);
      await queryClient.invalidateQueries({ queryKey: adminKeys.audit });
    },
  });
}
