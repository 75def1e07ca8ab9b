import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/Button";
import { authErrorMessage } from "./authError";
import { Field } from "./Field";
import { signInSchema, type SignInValues } from "./schemas";

export interface SignInFormProps {
  onSubmit: (values: SignInValues) => Promise<void>;
}

/**
 * Email and password. Errors sit under each field; a server error shows above the button as an alert, and the
 * button stays usable (a throttle is per account) and describes itself with it, so focus on it reads the wait.
 */
export function SignInForm({ onSubmit }: SignInFormProps) {
  const { t } = useTranslation();
  const serverErrorId = useId();
  // Each refusal gets a new alert element (keyed by this count), so a screen reader announces it even when its
  // text is the same as the last one's.
  const [refusals, setRefusals] = useState(0);
  const schema = useMemo(() => signInSchema(t), [t]);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<SignInValues>({ resolver: zodResolver(schema), defaultValues: { email: "", password: "" } });

  const submit = handleSubmit(async (values) => {
    try {
      await onSubmit(values);
    } catch (error) {
      setError("root.server", { message: authErrorMessage(error, t) });
      setRefusals((count) => count + 1);
    }
  });

  return (
    <form noValidate onSubmit={(event) => void submit(event)} className="flex flex-col gap-4">
      <Field
        label={t("auth.email")}
        type="email"
        autoComplete="email"
        inputMode="email"
        error={errors.email?.message}
        {...register("email")}
      />
      <Field
        label={t("auth.password")}
        type="password"
        autoComplete="current-password"
        error={errors.password?.message}
        {...register("password")}
      />
      {errors.root?.server ? (
        <p
          key={refusals}
          id={serverErrorId}
          role="alert"
          className="text-danger bg-danger-soft rounded-md px-3 py-2"
        >
          {errors.root.server.message}
        </p>
      ) : null}
      <Button
        type="submit"
        variant="primary"
        disabled={isSubmitting}
        aria-describedby={errors.root?.server ? serverErrorId : undefined}
      >
        {isSubmitting ? t("auth.signingIn") : t("auth.signIn")}
      </Button>
    </form>
  );
}

export default SignInForm;
