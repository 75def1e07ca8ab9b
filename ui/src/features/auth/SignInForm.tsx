import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../services/api";
import { Button } from "../../components/ui/Button";
import { Field } from "./Field";
import { signInSchema, type SignInValues } from "./schemas";

export interface SignInFormProps {
  onSubmit: (values: SignInValues) => Promise<void>;
}

/** Email and password. Errors sit under each field; a server error shows above the button. */
export function SignInForm({ onSubmit }: SignInFormProps) {
  const { t } = useTranslation();
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
      setError("root.server", { message: errorMessage(error) });
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
        <p role="alert" className="text-danger bg-danger-soft rounded-md px-3 py-2">
          {errors.root.server.message}
        </p>
      ) : null}
      <Button type="submit" variant="primary" disabled={isSubmitting}>
        {isSubmitting ? t("auth.signingIn") : t("auth.signIn")}
      </Button>
    </form>
  );
}

export default SignInForm;
