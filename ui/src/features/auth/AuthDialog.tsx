import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/Button";
import { Dialog } from "../../components/ui/Dialog";
import type { RegisterValues, SignInValues } from "./schemas";

// The forms (react-hook-form, zod, resolvers) load only when someone opens this dialog: most people start as
// guests, so the first page stays small.
const SignInForm = lazy(() => import("./SignInForm"));
const RegisterForm = lazy(() => import("./RegisterForm"));

export type AuthMode = "signIn" | "register";

export interface AuthDialogProps {
  mode: AuthMode | null;
  onModeChange: (mode: AuthMode | null) => void;
  onSignIn: (values: SignInValues) => Promise<void>;
  onRegister: (values: RegisterValues) => Promise<void>;
}

export function AuthDialog({ mode, onModeChange, onSignIn, onRegister }: AuthDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={mode !== null}
      onClose={() => onModeChange(null)}
      title={mode === "register" ? t("auth.register") : t("auth.signIn")}
    >
      <Suspense
        fallback={
          <p role="status" className="text-muted">
            {t("app.loading")}
          </p>
        }
      >
        {mode === "register" ? <RegisterForm onSubmit={onRegister} /> : <SignInForm onSubmit={onSignIn} />}
      </Suspense>
      <Button
        variant="ghost"
        size="sm"
        className="mt-3 w-full whitespace-normal"
        onClick={() => onModeChange(mode === "register" ? "signIn" : "register")}
      >
        {mode === "register" ? t("auth.toSignIn") : t("auth.toRegister")}
      </Button>
    </Dialog>
  );
}
