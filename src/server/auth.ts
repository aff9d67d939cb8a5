// API tokens: bearer tokens from configuration (read from the environment or files), each scoped
// to namespaces. Comparison is constant-time over digests of equal length, and every configured
// token is compared, so timing says nothing about which token was close.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ApiToken {
  /** A label for logs and audit; never the token itself. */
  name: string;
  token: string;
  /** Namespaces the token may act in; `*` for all. */
  namespaces: string[];
}

export interface Principal {
  name: string;
  namespaces: ReadonlySet<string>;
  allNamespaces: boolean;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

export class TokenAuth {
  private readonly tokens: Array<{ digest: Buffer; principal: Principal }>;

  constructor(tokens: readonly ApiToken[]) {
    this.tokens = tokens.map((t) => ({
      digest: digest(t.token),
      principal: { name: t.name, namespaces: new Set(t.namespaces), allNamespaces: t.namespaces.includes('*') },
    }));
  }

  /** The principal an `Authorization: Bearer ...` header proves, if any. */
  authenticate(header: string | undefined): Principal | undefined {
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) return undefined;
    const candidate = digest(match[1]);
    let found: Principal | undefined;
    for (const entry of this.tokens) {
      if (timingSafeEqual(candidate, entry.digest)) found = entry.principal;
    }
    return found;
  }
}

export function allows(principal: Principal, namespace: string): boolean {
  return principal.allNamespaces || principal.namespaces.has(namespace);
}
