import { act, renderHook } from "@testing-library/react";
import { afterEach, describe, expect, test } from "vitest";
import {
  conversationIdFrom,
  conversationPath,
  navigate,
  useConversationRoute,
  useHistoryPath,
} from "./useHistoryPath";

afterEach(() => {
  window.history.replaceState(null, "", "/");
});

describe("paths", () => {
  test("parse and build conversation paths", () => {
    expect(conversationIdFrom("/")).toBeNull();
    expect(conversationIdFrom("/c/abc")).toBe("abc");
    expect(conversationIdFrom("/c/abc/")).toBe("abc");
    expect(conversationIdFrom("/c/a%20b")).toBe("a b");
    expect(conversationIdFrom("/c/%E0%A4%A")).toBeNull();
    expect(conversationIdFrom("/other")).toBeNull();
    expect(conversationPath(null)).toBe("/");
    expect(conversationPath("a b")).toBe("/c/a%20b");
  });
});

describe("useHistoryPath", () => {
  test("follows navigate() and the back button", () => {
    const { result } = renderHook(() => useConversationRoute());
    expect(result.current.conversationId).toBeNull();
    act(() => result.current.openConversation("one"));
    expect(window.location.pathname).toBe("/c/one");
    expect(result.current.conversationId).toBe("one");
    act(() => result.current.openConversation("two", { replace: true }));
    expect(result.current.conversationId).toBe("two");
    act(() => {
      window.history.pushState(null, "", "/");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    expect(result.current.conversationId).toBeNull();
  });

  test("navigating to the current path adds no history entry", () => {
    const { result } = renderHook(() => useHistoryPath());
    const length = window.history.length;
    act(() => navigate("/"));
    expect(window.history.length).toBe(length);
    expect(result.current.path).toBe("/");
  });
});
