// The session as components see it: who is signed in, and the ways in and out.
import { useMemo } from "react";
import { useAppSelector } from "../store";
import type { AuthStatus, User } from "../store/slices/authSlice";
import { useServices } from "./useServices";

export type { AuthStatus } from "../store/slices/authSlice";

export interface UseAuth {
  status: AuthStatus;
  user: User | null;
  startAsGuest(): Promise<void>;
  signIn(input: { email: string; password: string }): Promise<void>;
  register(input: { email: string; password: string; display_name: string }): Promise<void>;
  signOut(): void;
}

export function useAuth(): UseAuth {
  const { session, store } = useServices();
  const status = useAppSelector((state) => state.auth.status);
  const user = useAppSelector((state) => state.auth.user);
  const actions = useMemo(
    () => ({
      startAsGuest: () => session.startAsGuest(store.getState().ui.language),
      signIn: (input: { email: string; password: string }) => session.signIn(input),
      register: (input: { email: string; password: string; display_name: string }) =>
        session.register({ ...input, language: store.getState().ui.language }),
      signOut: () => {
        void session.signOut();
      },
    }),
    [session, store],
  );
  return { status, user, ...actions };
}
