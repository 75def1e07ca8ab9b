// The admin forms' rules (react-hook-form + zod), built with `t` so their messages follow the UI language. The
// server checks the same (percent 1-99, a forced promote needs a reason); checking here says so before a request.
import type { TFunction } from "i18next";
import { z } from "zod";

// As in the auth forms: zod's fast path probes `new Function`, which the page's CSP forbids.
z.config({ jitless: true });

/** The server keeps a reason of up to 2,000 characters in the audit log. */
export const MAX_REASON = 2000;

export function canarySchema(t: TFunction) {
  const invalid = t("admin.canaryInvalid");
  return z.object({
    percent: z.number({ error: invalid }).int(invalid).min(1, invalid).max(99, invalid),
    reason: z.string().trim().max(MAX_REASON),
  });
}

export function promoteSchema(t: TFunction) {
  return z
    .object({ force: z.boolean(), reason: z.string().trim().max(MAX_REASON) })
    .refine((values) => !values.force || values.reason.length > 0, {
      path: ["reason"],
      error: t("admin.reasonRequired"),
    });
}

export function reasonSchema() {
  return z.object({ reason: z.string().trim().max(MAX_REASON) });
}

export type CanaryValues = z.infer<ReturnType<typeof canarySchema>>;
export type PromoteValues = z.infer<ReturnType<typeof promoteSchema>>;
export type ReasonValues = z.infer<ReturnType<typeof reasonSchema>>;

/** The request's optional `reason`: left out when blank, so the audit log says "no reason" rather than "". */
export function optionalReason(reason: string): { reason?: string } {
  const text = reason.trim();
  return text ? { reason: text } : {};
}
