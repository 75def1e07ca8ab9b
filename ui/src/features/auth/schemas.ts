import type { TFunction } from "i18next";
import { z } from "zod";

// zod 4 probes `new Function` once to pick its fast path; the page's CSP forbids eval and reports the probe as a
// violation. The interpreted path is plenty for two small forms.
z.config({ jitless: true });

// A light check: the server has the last word on what an email is.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD = 12;

// Schemas are built with `t` so their messages follow the UI language.
export function signInSchema(t: TFunction) {
  return z.object({
    email: z.string().trim().min(1, t("auth.emailRequired")).regex(EMAIL, t("auth.emailInvalid")),
    password: z.string().min(1, t("auth.passwordRequired")),
  });
}

export function registerSchema(t: TFunction) {
  return z.object({
    name: z.string().trim().min(1, t("auth.nameRequired")),
    email: z.string().trim().min(1, t("auth.emailRequired")).regex(EMAIL, t("auth.emailInvalid")),
    password: z.string().min(1, t("auth.passwordRequired")).min(MIN_PASSWORD, t("auth.passwordShort")),
  });
}

export type SignInValues = z.infer<ReturnType<typeof signInSchema>>;
export type RegisterValues = z.infer<ReturnType<typeof registerSchema>>;
