import { Suspense, lazy, useEffect } from "react";
import { useTranslation } from "react-i18next";
import { LiveRegion } from "../components/ui/LiveRegion";
import { Welcome } from "../features/auth/Welcome";
import { useAuth } from "../hooks/useAuth";
import { useDisplayPreferences } from "../hooks/useDisplayPreferences";
import { useViewportHeight } from "../lib/useViewportHeight";
import type { AppServices } from "../services";
import { useAppSelector } from "../store";
import { AppProviders } from "./AppProviders";
import { ErrorBoundary } from "./ErrorBoundary";

// The signed-in screens (layout, settings, transcript virtualiser, composer) are their own chunk, so the first
// page downloads only what it shows (welcome or loading); the chunk is fetched as soon as that page has rendered.
const loadSignedIn = () => import("./SignedIn");
const SignedIn = lazy(() => loadSignedIn().then((module) => ({ default: module.SignedIn })));

export function App({ services }: { services?: AppServices }) {
  return (
    <ErrorBoundary>
      {services ? (
        <AppProviders services={services}>
          <Shell />
        </AppProviders>
      ) : (
        <AppProviders>
          <Shell />
        </AppProviders>
      )}
    </ErrorBoundary>
  );
}

/** Picks the page for the session state and holds the one polite live region. */
export function Shell() {
  useDisplayPreferences();
  useViewportHeight();
  const { status } = useAuth();
  const announcement = useAppSelector((state) => state.ui.announcement);
  useEffect(() => {
    // Effects run after the first paint: fetch the signed-in chunk now, not when the user signs in. A failure
    // (offline) is left to the lazy component, which imports it again when it is rendered.
    loadSignedIn().catch(() => undefined);
  }, []);
  return (
    <>
      {status === "restoring" ? (
        <Loading />
      ) : status === "signedOut" ? (
        <Welcome />
      ) : (
        <Suspense fallback={<Loading />}>
          <SignedIn />
        </Suspense>
      )}
      <LiveRegion announcement={announcement} />
    </>
  );
}

function Loading() {
  const { t } = useTranslation();
  return (
    <main className="bg-canvas text-muted flex min-h-[var(--app-height,100dvh)] items-center justify-center">
      <p role="status">{t("app.loading")}</p>
    </main>
  );
}
