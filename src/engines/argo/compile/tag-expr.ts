// A text with Argo tags (`{{inputs.parameters.x}}`, `{{workflow.parameters.y}}`, `{{=expr}}`) as
// one expr-lang expression of type string, so it can be used inside another expression (hashed
// into a memoization key, say): tags cannot nest, expressions can. Names are indexed with brackets
// when they hold a '-' (`inputs.parameters['tandem-item']`), which a dotted path reads as a minus.
const TAG = /\{\{(=?)([^}]*)\}\}/g;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SIMPLE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export function tagsToExpr(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(TAG)) {
    if (match.index > last) parts.push(JSON.stringify(text.slice(last, match.index)));
    const [, isExpression, body = ''] = match;
    parts.push(isExpression === '=' ? `string(${body.trim()})` : pathExpr(body.trim()));
    last = match.index + match[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(JSON.stringify(text.slice(last)));
  return parts.length === 1 ? parts[0]! : `(${parts.join(' + ')})`;
}

/** `inputs.parameters.tandem-item` → `inputs.parameters['tandem-item']`. */
function pathExpr(tag: string): string {
  if (!SIMPLE.test(tag)) throw new Error(`not a simple Argo tag: {{${tag}}}`);
  const [root, ...rest] = tag.split('.');
  return `${root!}${rest.map((key) => (IDENT.test(key) ? `.${key}` : `['${key}']`)).join('')}`;
}
