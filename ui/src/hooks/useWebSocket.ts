// The connection's state for the banner: read straight from the socket manager, which lives outside React.
import { useSyncExternalStore } from "react";
import type { ConnectionState } from "../services/websocket";
import { useServices } from "./useServices";

export type { ConnectionState } from "../services/websocket";

export function useConnection(): {
  state: ConnectionState;
  nextRetryAt: number | null;
  reconnectNow(): void;
} {
  const { socket } = useServices();
  const snapshot = useSyncExternalStore(socket.subscribe, socket.getSnapshot, socket.getSnapshot);
  return { state: snapshot.state, nextRetryAt: snapshot.nextRetryAt, reconnectNow: socket.reconnectNow };
}
