/**
 * Focuses the element with `id` as soon as it exists (a few frames at most). Used after a change that swaps the
 * page, e.g. the welcome page giving way to the chat: the new page's main field gets focus instead of <body>.
 */
export function focusWhenReady(id: string, frames = 30): void {
  const element = document.getElementById(id);
  if (element) {
    element.focus();
    return;
  }
  if (frames > 0) requestAnimationFrame(() => focusWhenReady(id, frames - 1));
}
