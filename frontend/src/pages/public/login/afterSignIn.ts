import { useLocation, useNavigate } from "react-router";
import type { Me } from "../../../api/types";
import { PASSWORD_PATH } from "../../../auth/permissions";
import { useHomeFor } from "../../../navigation";

interface SignInState {
  from?: { pathname?: string; search?: string };
  expired?: boolean;
}

/** What the sign-in page was sent: the page to return to, and whether the session expired. */
export function useSignInState(): SignInState {
  return (useLocation().state as SignInState | null) ?? {};
}

/** Where to go after signing in: the page that sent the user here, if any. */
export function useAfterSignIn() {
  const navigate = useNavigate();
  const homeFor = useHomeFor();
  const { from } = useSignInState();
  return (me: Me) => {
    // A forced password change first; the page asked for comes after it.
    if (me.must_change_password) navigate(PASSWORD_PATH, { replace: true, state: from ? { from } : undefined });
    else if (from?.pathname && !from.pathname.endsWith("/login")) navigate(`${from.pathname}${from.search ?? ""}`, { replace: true });
    else navigate(homeFor(me), { replace: true });
  };
}
