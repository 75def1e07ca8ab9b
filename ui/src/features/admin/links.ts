// In-app links: a real <a href> (it opens in a new tab, and reads as a link), followed without a page load.
import type { MouseEvent } from "react";
import { navigate } from "../../lib/useHistoryPath";

export const ADMIN_PATH = "/admin";

/** Whether a path is the admin screen (with or without a trailing slash). */
export function isAdminPath(path: string): boolean {
  return path === ADMIN_PATH || path === `${ADMIN_PATH}/`;
}

/** A click handler that follows `path` through the app's history routing; modified clicks keep their meaning. */
export function followInApp(path: string) {
  return (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
}
