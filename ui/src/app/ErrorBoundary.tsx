import { Component, type ErrorInfo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../components/ui/Button";

/** Shown when rendering failed: a plain message and a way out. */
export function CrashScreen({ onReload = () => window.location.reload() }: { onReload?: () => void }) {
  const { t } = useTranslation();
  return (
    <main className="bg-canvas text-fg flex min-h-[var(--app-height,100dvh)] items-center justify-center p-4">
      <div role="alert" className="bg-surface border-line flex max-w-md flex-col gap-3 rounded-lg border p-6">
        <h1 className="text-xl font-bold">{t("app.crashed")}</h1>
        <p>{t("app.crashedHint")}</p>
        <Button variant="primary" onClick={onReload}>
          {t("app.reload")}
        </Button>
      </div>
    </main>
  );
}

interface State {
  error: unknown;
}

/** Catches a render error anywhere below so the page shows a way out instead of going blank. */
export class ErrorBoundary extends Component<{ children: ReactNode; onReload?: () => void }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error("The app crashed", error, info.componentStack);
  }

  override render() {
    if (this.state.error !== null) {
      return this.props.onReload ? <CrashScreen onReload={this.props.onReload} /> : <CrashScreen />;
    }
    return this.props.children;
  }
}
