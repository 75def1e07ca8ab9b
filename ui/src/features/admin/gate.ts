// The evaluation gate's refusal: a promote answered 409 `eval_gate_failed` carries the comparison table in the
// error's `details`. The OpenAPI document types `details` as a free object, so it is checked here at run time;
// a body that does not fit (an older server) shows the message without a table rather than a broken one.
import { z } from "zod";
import { ApiError } from "../../services/api";

const gateRow = z.object({
  metric: z.string(),
  live: z.number().nullable(),
  candidate: z.number().nullable(),
  delta: z.number().nullable(),
  passed: z.boolean(),
});

const gateDetails = z.object({
  live: z.string(),
  candidate: z.string(),
  tolerance: z.number(),
  metrics: z.array(gateRow),
  /** Why it failed: "below_live", "candidate_not_evaluated" or "live_not_evaluated" (others may come). */
  reason: z.string().optional(),
});

export type GateRow = z.infer<typeof gateRow>;
export type GateComparison = z.infer<typeof gateDetails>;

export const GATE_FAILED = "eval_gate_failed";

/** The comparison of a refused promote, or null for any other error (or a 409 without a usable table). */
export function gateComparison(error: unknown): GateComparison | null {
  if (!(error instanceof ApiError) || error.code !== GATE_FAILED) return null;
  const parsed = gateDetails.safeParse(error.details);
  return parsed.success ? parsed.data : null;
}

/** Whether the promote was refused by the gate (with or without a readable table): "force" is then offered. */
export function isGateRefusal(error: unknown): boolean {
  return error instanceof ApiError && error.code === GATE_FAILED;
}
