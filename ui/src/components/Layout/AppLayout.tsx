import { useEffect, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useAppDispatch, useAppSelector } from "../../store";
import { setSidebarOpen } from "../../store/slices/uiSlice";
import { Dialog } from "../ui/Dialog";
import { SkipLink } from "../ui/SkipLink";
import { ConnectionBanner } from "./ConnectionBanner";
import { Header } from "./Header";
import { Sidebar } from "./Sidebar";

/** Tailwind's md breakpoint: from here the sidebar is a column, below it a drawer. */
export const WIDE_QUERY = "(min-width: 48rem)";

export interface AppLayoutProps {
  conversationId: string | null;
  onOpen: (id: string | null) => void;
  /** The chat window. */
  children: ReactNode;
}

/**
 * The signed-in page: skip link, header, the conversation list (a column on wide screens, a drawer on small
 * ones), the connection banner and the chat. Its height follows the visible viewport (--app-height) so the
 * composer at the bottom stays above the on-screen keyboard.
 */
export function AppLayout({ conversationId, onOpen, children }: AppLayoutProps) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const drawerOpen = useAppSelector((state) => state.ui.sidebarOpen);
  const closeDrawer = () => dispatch(setSidebarOpen(false));

  // The drawer only exists on small screens: widening the window (or zooming out) closes it.
  useEffect(() => {
    if (!drawerOpen || typeof window.matchMedia !== "function") return;
    const wide = window.matchMedia(WIDE_QUERY);
    const onChange = () => {
      if (wide.matches) dispatch(setSidebarOpen(false));
    };
    onChange();
    wide.addEventListener("change", onChange);
    return () => wide.removeEventListener("change", onChange);
  }, [drawerOpen, dispatch]);

  return (
    <div className="bg-canvas text-fg flex h-[var(--app-height,100dvh)] w-full flex-col overflow-hidden">
      <SkipLink targetId="composer">{t("app.skipToComposer")}</SkipLink>
      <Header conversationId={conversationId} />
      <ConnectionBanner />
      <div className="flex min-h-0 flex-1">
        <aside className="bg-surface border-line hidden w-72 shrink-0 border-e md:flex md:flex-col">
          <Sidebar currentId={conversationId} onOpen={onOpen} />
        </aside>
        <main className="flex min-h-0 min-w-0 flex-1 flex-col">{children}</main>
      </div>
      <Dialog open={drawerOpen} onClose={closeDrawer} title={t("sidebar.label")} variant="drawer">
        <Sidebar
          currentId={conversationId}
          onOpen={(id) => {
            closeDrawer();
            onOpen(id);
          }}
        />
      </Dialog>
    </div>
  );
}
