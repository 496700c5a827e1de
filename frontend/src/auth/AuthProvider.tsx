import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";
import { api as defaultClient, unwrap, type ApiClient } from "../api/client";
import type { Me, Operation, TokenPair } from "../api/types";
import { can, loginPathFor } from "./permissions";
import { authSession, type AuthSession } from "./session";

export type AuthStatus = "loading" | "signed_in" | "signed_out";

export interface AuthContextValue {
  status: AuthStatus;
  me: Me | null;
  /** Signed in without a password (a trainee's first sign-in): the password page asks for none. */
  passwordless: boolean;
  /** The sign-in page of the last signed-in user's kind (staff or trainee). */
  loginPath: string;
  /** Takes the token pair of a sign-in and loads the account. */
  signIn(pair: TokenPair, options?: { passwordless?: boolean }): Promise<Me>;
  /** Ends this session (or every session of the account) and goes to the sign-in page. */
  signOut(options?: { everywhere?: boolean }): Promise<void>;
  /** Takes a new token pair (after a password change) and reloads the account. */
  replaceTokens(pair: TokenPair): Promise<Me>;
  can(operation: Operation): boolean;
}

/** Remembers a passwordless sign-in across a reload of the same tab. */
const PASSWORDLESS_KEY = "cme.passwordless";

function storedPasswordless(): boolean {
  try {
    return sessionStorage.getItem(PASSWORDLESS_KEY) === "1";
  } catch {
    return false;
  }
}

function storePasswordless(value: boolean): void {
  try {
    if (value) sessionStorage.setItem(PASSWORDLESS_KEY, "1");
    else sessionStorage.removeItem(PASSWORDLESS_KEY);
  } catch {
    // Memory only.
  }
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside <AuthProvider>");
  return value;
}

/**
 * The signed-in account. Resumes a session from the stored refresh token on
 * load, and sends the user to the sign-in page when the session ends under
 * them (a refresh the server rejects). Lives inside the router.
 */
export function AuthProvider({
  children,
  session = authSession,
  client = defaultClient,
}: {
  children: ReactNode;
  session?: AuthSession;
  client?: ApiClient;
}) {
  const [status, setStatus] = useState<AuthStatus>(() => (session.hasSession() ? "loading" : "signed_out"));
  const [me, setMe] = useState<Me | null>(null);
  const [passwordless, setPasswordlessState] = useState(() => session.hasSession() && storedPasswordless());
  const setPasswordless = useCallback((value: boolean) => {
    storePasswordless(value);
    setPasswordlessState(value);
  }, []);
  const lastRole = useRef<string | null>(null);
  const [loginPath, setLoginPath] = useState("/login");
  const navigate = useNavigate();
  const location = useLocation();
  const locationRef = useRef(location);
  locationRef.current = location;
  const queryClient = useQueryClient();

  const loadMe = useCallback(async () => {
    // The token pair just taken says who signed in; else ask.
    const loaded = session.takeMe() ?? (await unwrap(client.GET("/api/v1/me")));
    lastRole.current = loaded.role;
    setLoginPath(loginPathFor(loaded.role));
    setMe(loaded);
    setStatus("signed_in");
    return loaded;
  }, [client, session]);

  // Resume a session after a reload.
  useEffect(() => {
    if (!session.hasSession()) return;
    let cancelled = false;
    (async () => {
      if (session.accessToken === null) await session.refresh();
      if (session.accessToken === null) {
        if (!cancelled) setStatus("signed_out");
        return;
      }
      await loadMe();
    })().catch(() => {
      if (!cancelled) setStatus("signed_out");
    });
    return () => {
      cancelled = true;
    };
  }, [session, loadMe]);

  useEffect(
    () =>
      session.subscribe((event) => {
        if (event.type !== "signed_out") return;
        setMe(null);
        setStatus("signed_out");
        setPasswordless(false);
        queryClient.clear();
        // The sign-in page says why it is shown (`expired`).
        if (event.reason === "expired") {
          navigate(loginPathFor(lastRole.current), { replace: true, state: { from: locationRef.current, expired: true } });
        }
      }),
    [session, queryClient, navigate, setPasswordless],
  );

  const signIn = useCallback(
    async (pair: TokenPair, options: { passwordless?: boolean } = {}) => {
      queryClient.clear();
      session.setTokens(pair);
      setPasswordless(options.passwordless ?? false);
      try {
        return await loadMe();
      } catch (error) {
        session.clear("user");
        throw error;
      }
    },
    [session, loadMe, queryClient, setPasswordless],
  );

  const replaceTokens = useCallback(
    async (pair: TokenPair) => {
      session.setTokens(pair);
      setPasswordless(false);
      return loadMe();
    },
    [session, loadMe, setPasswordless],
  );

  const signOut = useCallback(
    async ({ everywhere = false }: { everywhere?: boolean } = {}) => {
      const refreshToken = session.refreshToken;
      const role = lastRole.current;
      try {
        if (everywhere) await unwrap(client.POST("/api/v1/auth/logout-all"));
        else if (refreshToken) await unwrap(client.POST("/api/v1/auth/logout", { body: { refresh_token: refreshToken } }));
      } catch {
        // Signing out locally matters more than the server's answer.
      }
      session.clear("user");
      navigate(loginPathFor(role), { replace: true });
    },
    [session, client, navigate],
  );

  const value = useMemo<AuthContextValue>(
    () => ({ status, me, passwordless, loginPath, signIn, signOut, replaceTokens, can: (op) => can(me, op) }),
    [status, me, passwordless, loginPath, signIn, signOut, replaceTokens],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
