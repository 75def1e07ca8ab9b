// The session outside React: signs in, keeps the access token fresh (before it expires, and once on a 401 however
// many requests see it), persists the refresh token and the user so a reload restores the session, signs out (and
// has the server revoke the refresh token, so a copy of it is worthless).
import type { AppStore } from "../store";
import { restoring, sessionReceived, signedOut } from "../store/slices/authSlice";
import { ApiError, type Api, type AuthBridge, type Session, type User } from "./api";
import { browserTimers, type Timers } from "./timers";

export const SESSION_STORAGE_KEY = "csagent.session";
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_S = 60;

interface Persisted {
  refresh_token: string;
  user: User;
}

function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export interface SessionOptions {
  store: AppStore;
  storage?: Storage | null;
  timers?: Timers;
}

export class SessionService implements AuthBridge {
  private readonly store: AppStore;
  private readonly storage: Storage | null;
  private readonly timers: Timers;
  private api: Api | null = null;
  private refreshing: Promise<boolean> | null = null;
  private refreshTimer: number | null = null;
  /** Bumped by every sign-out: a refresh answered after it belongs to the ended session and is dropped. */
  private generation = 0;
  /** Where the refresh token lives when storage is unavailable (private mode): this page only. */
  private memory: Persisted | null = null;
  private readonly signOutListeners = new Set<() => void>();

  constructor(options: SessionOptions) {
    this.store = options.store;
    this.storage = options.storage === undefined ? browserStorage() : options.storage;
    this.timers = options.timers ?? browserTimers;
  }

  /** The api and the session need each other; the api is attached once both exist. */
  attach(api: Api): void {
    this.api = api;
  }

  private get client(): Api {
    if (!this.api) throw new Error("SessionService used before attach(api)");
    return this.api;
  }

  getAccessToken(): string | null {
    return this.store.getState().auth.accessToken;
  }

  /** Seconds until the access token expires (negative once expired); null when signed out. */
  expiresInSeconds(): number | null {
    const expiresAt = this.store.getState().auth.expiresAt;
    return expiresAt === null ? null : (expiresAt - this.timers.now()) / 1000;
  }

  onSignOut(listener: () => void): () => void {
    this.signOutListeners.add(listener);
    return () => this.signOutListeners.delete(listener);
  }

  private read(): Persisted | null {
    if (!this.storage) return this.memory;
    try {
      const raw = this.storage.getItem(SESSION_STORAGE_KEY);
      if (!raw) return null;
      const value = JSON.parse(raw) as Partial<Persisted>;
      return typeof value.refresh_token === "string" && value.user
        ? { refresh_token: value.refresh_token, user: value.user }
        : null;
    } catch {
      return null;
    }
  }

  private write(value: Persisted | null): void {
    this.memory = value;
    if (!this.storage) return;
    try {
      if (value) this.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(value));
      else this.storage.removeItem(SESSION_STORAGE_KEY);
    } catch {
      // Storage full or blocked: the session lasts for this page only.
    }
  }

  accept(session: Session): void {
    this.write({ refresh_token: session.refresh_token, user: session.user });
    this.store.dispatch(sessionReceived({ session, now: this.timers.now() }));
    this.scheduleRefresh(session.expires_in);
  }

  private scheduleRefresh(expiresIn: number): void {
    this.clearRefreshTimer();
    const delay = Math.max(0, expiresIn - REFRESH_MARGIN_S) * 1000;
    this.refreshTimer = this.timers.setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, delay);
  }

  private clearRefreshTimer(): void {
    if (this.refreshTimer !== null) this.timers.clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  /** The user of a stored session, if any: the app starts "restoring" instead of flashing the signed-out view. */
  storedUser(): User | null {
    return this.read()?.user ?? null;
  }

  /** On load: a stored session is refreshed ("restoring") and becomes signedIn, or signedOut if it is gone. */
  async restore(): Promise<void> {
    const stored = this.read();
    if (!stored) {
      this.store.dispatch(signedOut());
      return;
    }
    this.store.dispatch(restoring(stored.user));
    await this.refresh();
  }

  /** Single flight: every caller during one refresh waits for the same answer. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * Refresh tokens are single use and reusing one revokes the whole family, so tabs take turns (Web Locks) and
   * each reads the newest token inside its turn: a token another tab just rotated is never sent again.
   */
  private doRefresh(): Promise<boolean> {
    const locks = typeof navigator === "undefined" ? undefined : (navigator as Partial<Navigator>).locks;
    if (!locks) return this.refreshNow();
    return locks.request("csagent.session.refresh", () => this.refreshNow());
  }

  private async refreshNow(): Promise<boolean> {
    const stored = this.read();
    if (!stored) {
      this.endLocally();
      return false;
    }
    const generation = this.generation;
    try {
      const session = await this.client.refresh(stored.refresh_token);
      if (generation !== this.generation) return false;
      this.accept(session);
      return true;
    } catch (error) {
      if (generation !== this.generation) return false;
      const rejected = error instanceof ApiError && error.status >= 400 && error.status < 500;
      if (rejected || this.store.getState().auth.status !== "signedIn") {
        // A network failure while restoring keeps the stored token, so the next load can try again.
        if (rejected) this.endLocally();
        else this.store.dispatch(signedOut());
      }
      return false;
    }
  }

  async startAsGuest(language: string): Promise<void> {
    this.accept(await this.client.startGuest({ language }));
  }

  async signIn(input: { email: string; password: string }): Promise<void> {
    this.accept(await this.client.login(input));
  }

  async register(input: {
    email: string;
    password: string;
    display_name: string;
    language?: string;
  }): Promise<void> {
    this.accept(await this.client.register(input));
  }

  /**
   * The user signs out: the server is asked to revoke this sign-in's refresh tokens, and this tab signs out at
   * once without waiting for the answer. A failed call (offline, server down) still signs out here; the token
   * then lives until it expires. Resolves when the server has answered or the call has failed.
   */
  async signOut(): Promise<void> {
    const stored = this.read();
    const revoking = stored ? this.client.logout(stored.refresh_token) : Promise.resolve();
    this.endLocally();
    try {
      await revoking;
    } catch {
      // Signed out locally all the same.
    }
  }

  /** Forget the session here (the server has refused it, or the user signed out). */
  private endLocally(): void {
    this.generation += 1;
    this.clearRefreshTimer();
    this.write(null);
    this.store.dispatch(signedOut());
    for (const listener of this.signOutListeners) listener();
  }
}
