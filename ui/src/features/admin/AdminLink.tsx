import { useTranslation } from "react-i18next";
import { ADMIN_PATH, followInApp } from "./links";

/** The way in to the admin screen; the app shows it to admins only (the API refuses everyone else anyway). */
export function AdminLink() {
  const { t } = useTranslation();
  return (
    <p className="bg-surface border-line border-b px-4 py-1 text-sm">
      <a href={ADMIN_PATH} onClick={followInApp(ADMIN_PATH)} className="text-link underline">
        {t("admin.title")}
      </a>
    </p>
  );
}
