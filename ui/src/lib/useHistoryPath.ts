// The URL is the home of the open conversation: `/` is a new conversation, `/c/<id>` an existing one. A router
// package would be more than this app needs: the History API plus popstate covers it.
import { useCallback, useSyncExternalStore } from "react";

const NAVIGATE_EVENT = "csagent:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

function currentPath(): string {
  return window.location.pathname;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  // pushState fires no event; tell every useHistoryPath in the page.
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

export function conversationPath(id: string | null): string {
  return id ? `/c/${encodeURIComponent(id)}` : "/";
}

/** The conversation id in a path, or null for `/` and any path that is not `/c/<id>`. */
export function conversationIdFrom(path: string): string | null {
  const match = /^\/c\/([^/]+)\/?$/.exec(path);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

export function useHistoryPath(): { path: string; navigate: typeof navigate } {
  const path = useSyncExternalStore(subscribe, currentPath, () => "/");
  return { path, navigate };
}

/** The open conversation from the URL, and a way to open another one (null = a new conversation). */
export function useConversationRoute(): {
  conversationId: string | null;
  openConversation: (id: string | null, options?: { replace?: boolean }) => void;
} {
  const { path } = useHistoryPath();
  const openConversation = useCallback((id: string | null, options?: { replace?: boolean }) => {
    navigate(conversationPath(id), options);
  }, []);
  return { conversationId: conversationIdFrom(path), openConversation };
}
