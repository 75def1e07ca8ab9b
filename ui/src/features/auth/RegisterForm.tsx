import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useMemo, useState } from "react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/Button";
import { authErrorMessage } from "./authError";
import { Field } from "./Field";
import { registerSchema, type RegisterValues } from "./schemas";

export interface RegisterFormProps {
  onSubmit: (values: RegisterValues) => Promise<void>;
}

/** Name, email and a password of 12 or more characters; a server error shows as in SignInForm. */
export function RegisterForm({ onSubmit }: RegisterFormProps) {
  const { t } = useTranslation();
  const serverErrorId = useId();
  // Each refusal gets a new alert element (keyed by this count), so a screen reader announces it even when its
  // text is the same as the last one's.
  const [refusals, setRefusals] = useState(0);
  const schema = useMemo(() => registerSchema(t), [t]);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<RegisterValues>({
    resolver: zodResolver(schema),
    defaultValues: { name: "", email: "", password: "" },
  });

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
      <Field label={t("auth.name")} autoComplete="name" error={errors.name?.message} {...register("name")} />
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
        autoComplete="new-password"
        hint={t("auth.passwordHint")}
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
        {isSubmitting ? t("auth.registering") : t("auth.register")}
      </Button>
    </form>
  );
}

export default RegisterForm;
