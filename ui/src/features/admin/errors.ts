// The lifecycle's own refusals in the UI language; every other error gets the app's text for its code.
import type { TFunction } from "i18next";
import en from "../../i18n/locales/en.json";
import { ApiError, errorMessage } from "../../services/api";

type AdminErrorCode = keyof typeof en.admin.errors;

function isAdminCode(code: string): code is AdminErrorCode {
  return Object.hasOwn(en.admin.errors, code);
}

export function adminErrorMessage(error: unknown, t: TFunction): string {
  if (error instanceof ApiError && isAdminCode(error.code)) return t(`admin.errors.${error.code}`);
  return errorMessage(error);
}
