import { useEffect, useState, type ComponentType } from "react";

type Renderer = ComponentType<{ children: string }>;

let loaded: Renderer | null = null;
let pending: Promise<Renderer> | null = null;

/**
 * Loads the Markdown renderer chunk once. A failed load (offline before the chunk arrived) is forgotten, so the
 * next call tries again. The chat calls this when it opens, so answers rarely wait for it.
 */
export function preloadMarkdown(): Promise<Renderer> {
  pending ??= import("./MarkdownRenderer").then(
    (module) => {
      loaded = module.default;
      return loaded;
    },
    (error: unknown) => {
      pending = null;
      throw error;
    },
  );
  return pending;
}

/**
 * Markdown for assistant and agent messages. Until the renderer chunk is here the text shows as plain text, which
 * is already readable; if the chunk cannot load (offline), the text stays plain and the load is retried when the
 * browser is back online. A failed chunk never takes the conversation down.
 */
export function Markdown({ children }: { children: string }) {
  const [renderer, setRenderer] = useState<{ component: Renderer } | null>(() =>
    loaded ? { component: loaded } : null,
  );
  useEffect(() => {
    if (renderer) return;
    let active = true;
    const attempt = () => {
      preloadMarkdown().then(
        (component) => {
          if (active) setRenderer({ component });
        },
        () => undefined, // plain text until the next `online` event
      );
    };
    attempt();
    window.addEventListener("online", attempt);
    return () => {
      active = false;
      window.removeEventListener("online", attempt);
    };
  }, [renderer]);
  if (!renderer) {
    return (
      <p dir="auto" className="whitespace-pre-wrap break-words">
        {children}
      </p>
    );
  }
  const Component = renderer.component;
  return <Component>{children}</Component>;
}
