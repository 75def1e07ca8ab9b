// What the sign-in and register forms say when the server refuses: the contract code's text, except for a 429
// with Retry-After, which says how many minutes are left (i18next picks the CLDR plural form).
import type { TFunction } from "i18next";
import { ApiError, errorMessage } from "../../services/api";

const THROTTLE_CODES: ReadonlySet<string> = new Set(["too_many_attempts", "rate_limited"]);

/** Whole minutes to wait, rounded up so the form never invites a try the server would still refuse. */
export function waitMinutes(retryAfterSeconds: number): number {
  return Math.max(1, Math.ceil(retryAfterSeconds / 60));
}

/** The wait in minutes when the error is a sign-in throttle that said how long; null otherwise. */
export function throttleMinutes(error: unknown): number | null {
  if (!(error instanceof ApiError) || error.status !== 429 || !THROTTLE_CODES.has(error.code)) return null;
  return error.retryAfterSeconds === null ? null : waitMinutes(error.retryAfterSeconds);
}

export function authErrorMessage(error: unknown, t: TFunction): string {
  const minutes = throttleMinutes(error);
  return minutes === null ? errorMessage(error) : t("auth.tooManyAttempts", { count: minutes });
}
