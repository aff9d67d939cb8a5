// Namespace checks for API routes: a resource's namespace must be one the token may act in.
import { allows, type Principal } from './auth.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

export function requirePrincipal(principal: Principal | undefined): Principal {
  if (!principal) throw new UnauthorizedError();
  return principal;
}

export function requireNamespace(principal: Principal | undefined, namespace: string): void {
  if (!allows(requirePrincipal(principal), namespace)) throw new ForbiddenError(namespace);
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
