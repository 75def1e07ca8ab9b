import { useEffect } from "react";

export const APP_HEIGHT_VAR = "--app-height";

/**
 * Sets --app-height on <html> to the visible height. On phones the on-screen keyboard shrinks the visual
 * viewport; the app is sized from this variable so the composer stays above the keyboard. Without
 * visualViewport the CSS falls back to 100dvh.
 */
export function useViewportHeight(root: HTMLElement = document.documentElement): void {
  useEffect(() => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    const update = () => root.style.setProperty(APP_HEIGHT_VAR, `${Math.round(viewport.height)}px`);
    update();
    viewport.addEventListener("resize", update);
    viewport.addEventListener("scroll", update);
    return () => {
      viewport.removeEventListener("resize", update);
      viewport.removeEventListener("scroll", update);
      root.style.removeProperty(APP_HEIGHT_VAR);
    };
  }, [root]);
}
