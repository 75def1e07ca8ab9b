import { useState } from "react";
import { useTranslation } from "react-i18next";
import { changeLanguage } from "../../i18n";
import { LANGUAGES, type LanguageCode } from "../../i18n/languages";
import { errorMessage } from "../../services/api";
import { useAppDispatch, useAppSelector } from "../../store";
import {
  setHighContrast,
  setLanguage,
  setReducedMotion,
  setTheme,
  type Theme,
} from "../../store/slices/uiSlice";
import { Button } from "../ui/Button";
import { Dialog } from "../ui/Dialog";
import { Select } from "../ui/Select";
import { Switch } from "../ui/Switch";

const languageOptions = LANGUAGES.map((language) => ({
  value: language.code,
  label: language.name,
  lang: language.code,
}));

/** Language and display settings. Every change applies at once and is remembered on this device. */
export function SettingsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const dispatch = useAppDispatch();
  const ui = useAppSelector((state) => state.ui);
  const [error, setError] = useState<string | null>(null);

  const pickLanguage = (code: LanguageCode) => {
    const previous = ui.language;
    setError(null);
    dispatch(setLanguage(code));
    changeLanguage(code).catch((reason: unknown) => {
      dispatch(setLanguage(previous));
      setError(errorMessage(reason));
    });
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("settings.title")}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t("settings.done")}
        </Button>
      }
    >
      <div className="flex flex-col gap-4">
        <Select
          label={t("settings.language")}
          value={ui.language}
          options={languageOptions}
          onChange={pickLanguage}
        />
        {error ? (
          <p role="alert" className="text-danger text-sm">
            {error}
          </p>
        ) : null}
        <Select<Theme>
          label={t("settings.theme")}
          value={ui.theme}
          onChange={(theme) => dispatch(setTheme(theme))}
          options={[
            { value: "system", label: t("settings.themeSystem") },
            { value: "light", label: t("settings.themeLight") },
            { value: "dark", label: t("settings.themeDark") },
          ]}
        />
        <Switch
          label={t("settings.highContrast")}
          checked={ui.highContrast}
          onChange={(on) => dispatch(setHighContrast(on))}
        />
        <Switch
          label={t("settings.reduceMotion")}
          checked={ui.reducedMotion === "reduce"}
          onChange={(on) => dispatch(setReducedMotion(on ? "reduce" : "system"))}
        />
      </div>
    </Dialog>
  );
}
