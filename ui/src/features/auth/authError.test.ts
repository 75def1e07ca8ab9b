import i18next from "i18next";
import { describe, expect, test } from "vitest";
import { setupI18n } from "../../i18n";
import { ApiError } from "../../services/api";
import { authErrorMessage, throttleMinutes, waitMinutes } from "./authError";

const throttled = (seconds: number | null, code = "too_many_attempts") =>
  new ApiError({ status: 429, code, retryAfterSeconds: seconds });

describe("waitMinutes", () => {
  test.each([
    [0, 1],
    [1, 1],
    [60, 1],
    [61, 2],
    [899, 15],
    [900, 15],
  ])("%i s is %i min", (seconds, minutes) => {
    expect(waitMinutes(seconds)).toBe(minutes);
  });
});

describe("throttleMinutes", () => {
  test("only a 429 throttle code with Retry-After has a wait", () => {
    expect(throttleMinutes(throttled(120))).toBe(2);
    expect(throttleMinutes(throttled(120, "rate_limited"))).toBe(2);
    expect(throttleMinutes(throttled(null))).toBeNull();
    expect(throttleMinutes(new ApiError({ status: 401, code: "invalid_credentials" }))).toBeNull();
    expect(throttleMinutes(new Error("x"))).toBeNull();
  });
});

describe("authErrorMessage", () => {
  test("other errors keep their contract text", () => {
    const error = new ApiError({ status: 401, code: "invalid_credentials" });
    expect(authErrorMessage(error, i18next.t)).toBe("The email or password is wrong.");
  });

  test.each([
    ["ru", 60, "Слишком много попыток. Попробуйте ещё раз через 1 минуту."],
    ["ru", 180, "Слишком много попыток. Попробуйте ещё раз через 3 минуты."],
    ["ru", 300, "Слишком много попыток. Попробуйте ещё раз через 5 минут."],
    ["ar", 120, "محاولات كثيرة جدًا. حاول مرة أخرى بعد دقيقتين."],
    ["ar", 600, "محاولات كثيرة جدًا. حاول مرة أخرى بعد 10 دقائق."],
    ["ar", 660, "محاولات كثيرة جدًا. حاول مرة أخرى بعد 11 دقيقة."],
    ["ja", 900, "試行回数が多すぎます。15 分後にもう一度お試しください。"],
  ])("%s, %i s: the language's own plural form", async (code, seconds, text) => {
    const instance = await setupI18n(code as "ru", i18next.createInstance());
    expect(authErrorMessage(throttled(seconds), instance.t)).toBe(text);
  });
});
