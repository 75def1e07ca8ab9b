// The session: who is signed in and the short-lived access token, kept in memory only. The refresh token is not
// in Redux: the session service persists it (with the user) so a reload can restore the session.
import { createSlice, type PayloadAction } from "@reduxjs/toolkit";
import type { components } from "../../api/generated/openapi";

export type User = components["schemas"]["User"];
export type Session = components["schemas"]["Session"];
export type AuthStatus = "restoring" | "signedOut" | "signedIn";

export interface AuthState {
  status: AuthStatus;
  user: User | null;
  accessToken: string | null;
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number | null;
}

export const initialAuthState: AuthState = {
  status: "signedOut",
  user: null,
  accessToken: null,
  expiresAt: null,
};

const authSlice = createSlice({
  name: "auth",
  initialState: initialAuthState,
  reducers: {
    restoring(state, action: PayloadAction<User | null>) {
      state.status = "restoring";
      state.user = action.payload;
    },
    sessionReceived(state, action: PayloadAction<{ session: Session; now: number }>) {
      const { session, now } = action.payload;
      state.status = "signedIn";
      state.user = session.user;
      state.accessToken = session.access_token;
      state.expiresAt = now + session.expires_in * 1000;
    },
    signedOut() {
      return initialAuthState;
    },
  },
});

export const { restoring, sessionReceived, signedOut } = authSlice.actions;
export default authSlice.reducer;
