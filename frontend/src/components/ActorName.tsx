import { useActorName } from "../hooks/actorNames";

/**
 * Who did something, as people read it: the account's name and organisation
 * for a login, never the login itself. Until the name is known (or when no
 * account has that login) the fallback is shown.
 */
export function ActorName({ login, fallback = "—" }: { login: string | null | undefined; fallback?: string }) {
  const name = useActorName(login);
  return <span data-testid="actor-name">{name.data ?? fallback}</span>;
}
