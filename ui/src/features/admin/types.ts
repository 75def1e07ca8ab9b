// The admin API's wire types, from the types generated out of serve/schemas.py (never written by hand here).
import type { components } from "../../api/generated/openapi";

export type ModelVersion = components["schemas"]["ModelVersion"];
export type ModelList = components["schemas"]["ModelList"];
export type ModelScores = components["schemas"]["ModelScores"];
export type LiveMetrics = components["schemas"]["LiveMetrics"];
export type AuditEntry = components["schemas"]["AuditEntry"];
export type AuditPage = components["schemas"]["AuditPage"];
export type ModelStage = ModelVersion["stage"];

/** `name@version`, the way the CLI, the audit log and `meta.model` name a version. */
export function modelId(row: { name: string; version: string }): string {
  return `${row.name}@${row.version}`;
}
