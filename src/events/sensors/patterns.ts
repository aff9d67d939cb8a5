// NATS-style subject patterns, used for a dependency's subject and event type: tokens are
// separated by ".", "*" matches exactly one token and ">" (last token only) one or more.

/** Why a pattern is malformed, or undefined when it is fine. */
export function patternProblem(pattern: string): string | undefined {
  const tokens = pattern.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === '') return `empty token at position ${i + 1} (two dots in a row, or a leading or trailing dot)`;
    if (token === '>' && i !== tokens.length - 1) return '">" may only be the last token';
    if (token !== '*' && token !== '>' && /[*>\s]/.test(token)) {
      return `token ${JSON.stringify(token)} mixes a wildcard or white space with text; "*" and ">" must stand alone`;
    }
  }
  return undefined;
}

/** Whether a subject (or type) matches a pattern; a pattern without wildcards matches only itself. */
export function matchesPattern(pattern: string, value: string): boolean {
  if (pattern === value) return true;
  const want = pattern.split('.');
  const got = value.split('.');
  for (let i = 0; i < want.length; i++) {
    const token = want[i]!;
    if (token === '>') return i === want.length - 1 && got.length > i;
    const actual = got[i];
    if (actual === undefined || actual === '') return false;
    if (token !== '*' && token !== actual) return false;
  }
  return got.length === want.length;
}
