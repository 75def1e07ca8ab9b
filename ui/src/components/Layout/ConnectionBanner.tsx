import { useTranslation } from "react-i18next";
import { useConnection, type ConnectionState } from "../../hooks/useWebSocket";
import { Button } from "../ui/Button";

export interface ConnectionBannerViewProps {
  state: ConnectionState;
  onRetry: () => void;
}

/** Says why messages may be slow. Hidden while connected; the live region announces loss and return. */
export function ConnectionBannerView({ state, onRetry }: ConnectionBannerViewProps) {
  const { t } = useTranslation();
  if (state === "open" || state === "idle") return null;
  const text =
    state === "connecting"
      ? t("connection.connecting")
      : state === "reconnecting"
        ? t("connection.reconnecting")
        : t("connection.offline");
  return (
    <div className="bg-warning-soft text-fg border-line flex flex-wrap items-center gap-x-3 gap-y-1 border-b px-4 py-2 text-sm">
      <p role="status" className="min-w-0 flex-1">
        {text}
      </p>
      {state === "reconnecting" ? (
        <Button size="sm" onClick={onRetry}>
          {t("connection.retryNow")}
        </Button>
      ) : null}
    </div>
  );
}

export function ConnectionBanner() {
  const connection = useConnection();
  return <ConnectionBannerView state={connection.state} onRetry={() => connection.reconnectNow()} />;
}
