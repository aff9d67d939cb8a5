// Namespace checks for API routes: a resource's namespace must be one the token may act in.
import { NotFoundError } from '../errors.js';
import { allows, type Principal } from './auth.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

export function requirePrincipal(principal: Principal | undefined): Principal {
  if (!principal) throw new UnauthorizedError();
  return principal;
}

/** For a namespace the caller names (`?namespace=`): 403 when the token may not act there. */
function requireNamespace(principal: Principal | undefined, namespace: string): void {
  if (!allows(requirePrincipal(principal), namespace)) throw new ForbiddenError(namespace);
}

/**
 * For a resource the caller names by id or name: one of a namespace the token may not see is
 * answered as if it did not exist (404, as GitHub answers for a private repository), so an id
 * tells a token of another namespace nothing — not even which namespace holds it.
 */
export function requireVisible(principal: Principal | undefined, namespace: string, kind: string, id: string): void {
  if (!allows(requirePrincipal(principal), namespace)) throw new NotFoundError(kind, id);
}

/** For listings: the namespace asked for (checked), or every namespace the token may see. */
export function visibleNamespaces(principal: Principal | undefined, asked: string | undefined): (namespace: string) => boolean {
  const who = requirePrincipal(principal);
  if (asked !== undefined) {
    requireNamespace(who, asked);
    return (namespace) => namespace === asked;
  }
  return (namespace) => allows(who, namespace);
}
