import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "../../hooks/useAuth";
import { focusWhenReady } from "../../lib/focusWhenReady";
import { errorMessage } from "../../services/api";
import { Button } from "../../components/ui/Button";
import { AuthDialog, type AuthMode } from "./AuthDialog";

/** The chat's message box: where a person lands once they are in. */
const COMPOSER_ID = "composer";

export interface WelcomeViewProps {
  onGuest: () => Promise<void>;
  onSignIn: (values: { email: string; password: string }) => Promise<void>;
  onRegister: (values: { name: string; email: string; password: string }) => Promise<void>;
}

/** The signed-out page: one click to chat as a guest, or sign in / create an account in a dialog. */
export function WelcomeView({ onGuest, onSignIn, onRegister }: WelcomeViewProps) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<AuthMode | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const startAsGuest = async () => {
    setStarting(true);
    setError(null);
    try {
      await onGuest();
      focusWhenReady(COMPOSER_ID);
    } catch (reason) {
      setError(errorMessage(reason));
      setStarting(false);
    }
  };

  return (
    <main className="bg-canvas text-fg flex min-h-[var(--app-height,100dvh)] items-center justify-center p-4">
      <div className="bg-surface border-line flex w-full max-w-md flex-col gap-4 rounded-lg border p-6 text-center">
        <p className="text-muted font-semibold">{t("app.name")}</p>
        <h1 className="text-2xl font-bold">{t("welcome.title")}</h1>
        <p>{t("welcome.intro")}</p>
        <Button
          variant="primary"
          size="lg"
          aria-busy={starting || undefined}
          disabled={starting}
          onClick={() => void startAsGuest()}
        >
          {t("welcome.guest")}
        </Button>
        {starting ? (
          <p role="status" className="text-muted text-sm">
            {t("welcome.starting")}
          </p>
        ) : null}
        {error ? (
          <p role="alert" className="text-danger bg-danger-soft rounded-md px-3 py-2">
            {error}
          </p>
        ) : null}
        <p className="text-muted text-sm">{t("welcome.or")}</p>
        <div className="flex flex-wrap justify-center gap-2">
          <Button onClick={() => setMode("signIn")}>{t("welcome.signIn")}</Button>
          <Button onClick={() => setMode("register")}>{t("welcome.register")}</Button>
        </div>
      </div>
      <AuthDialog
        mode={mode}
        onModeChange={setMode}
        onSignIn={async (values) => {
          await onSignIn(values);
          focusWhenReady(COMPOSER_ID);
        }}
        onRegister={async (values) => {
          await onRegister(values);
          focusWhenReady(COMPOSER_ID);
        }}
      />
    </main>
  );
}

export function Welcome() {
  const auth = useAuth();
  return (
    <WelcomeView
      onGuest={() => auth.startAsGuest()}
      onSignIn={(values) => auth.signIn(values)}
      onRegister={({ name, email, password }) => auth.register({ display_name: name, email, password })}
    />
  );
}
