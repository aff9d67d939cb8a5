// A reader of the few Go text/template actions (with sprig's dig, kindIs, toJson and fail) that
// the KFP run body template uses, with their meanings as Go and sprig define them: dig walks
// nested objects and gives its default for a missing key; kindIs "invalid" holds for nil; toJson
// is the value's JSON; fail stops the template. Anything else throws, so a template written with
// more than this subset fails the test rather than being read wrongly.
type Input = Record<string, unknown>;

const ACTION = /\{\{\s*(.*?)\s*\}\}/g;

export function renderSubset(template: string, input: Input): string {
  const vars = new Map<string, unknown>();
  // A stack of "is this branch being written" for nested if/else/end.
  const writing: boolean[] = [];
  const active = () => writing.every(Boolean);
  let out = '';
  let last = 0;
  for (const match of template.matchAll(ACTION)) {
    if (active()) out += template.slice(last, match.index);
    last = match.index + match[0].length;
    const action = match[1]!;
    let m: RegExpExecArray | null;
    if ((m = /^(\$\w+) := dig ((?:"[^"]*" )+)nil \.Input$/.exec(action))) {
      const keys = [...m[2]!.matchAll(/"([^"]*)"/g)].map((k) => k[1]!);
      vars.set(m[1]!, dig(input, keys));
    } else if ((m = /^if kindIs "invalid" (\$\w+)$/.exec(action))) {
      const value = vars.get(m[1]!);
      writing.push(value === undefined || value === null);
    } else if (action === 'else') {
      writing.push(!writing.pop()!);
    } else if (action === 'end') {
      writing.pop();
    } else if ((m = /^toJson (\$\w+)$/.exec(action))) {
      if (active()) out += JSON.stringify(vars.get(m[1]!));
    } else if ((m = /^fail "([^"]*)"$/.exec(action))) {
      if (active()) throw new Error(`template failed: ${m[1]}`);
    } else {
      throw new Error(`action outside the subset: {{ ${action} }}`);
    }
  }
  return out + template.slice(last);
}

function dig(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
