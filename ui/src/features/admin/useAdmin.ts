// The admin screen's server state in TanStack Query: the models list and the audit log (cursor pages); the three
// lifecycle actions write through it. Each action answers the updated list, which replaces the cached one at once,
// and makes the audit log stale so the new entry shows.
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { useServices } from "../../hooks/useServices";
import type { Api, CanaryIn, ModelList, PromoteIn, RollbackIn } from "../../services/api";

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

function send(api: Api, action: LifecycleAction): Promise<ModelList> {
  switch (action.kind) {
    case "canary":
      return api.startCanary(action.body);
    case "promote":
      return api.promote(action.body);
    case "rollback":
      return api.rollback(action.body);
  }
}

/**
 * Run one lifecycle action; on success the answered list becomes the cached one. A small hook rather than
 * `useMutation`: that one brings TanStack's mutation observer, and the bundler then splits the query library into a
 * chunk the first page loads too, past its size budget (scripts/check-size.mjs) for an admin-only screen.
 */
export function useLifecycleAction(): {
  run: (action: LifecycleAction) => Promise<ModelList>;
  isPending: boolean;
} {
  const { api } = useServices();
  const queryClient = useQueryClient();
  const [running, setRunning] = useState(0);
  const run = useCallback(
    async (action: LifecycleAction) => {
      setRunning((count) => count + 1);
      try {
        const list = await send(api, action);
        queryClient.setQueryData(adminKeys.models, list);
        await queryClient.invalidateQueries({ queryKey: adminKeys.audit });
        return list;
      } finally {
        setRunning((count) => count - 1);
      }
    },
    [api, queryClient],
  );
  return { run, isPending: running > 0 };
}
