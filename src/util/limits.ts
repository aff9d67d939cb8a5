// The bounds one workflow may ask of the process that loads or runs it: how big its file is, how
// deeply it nests, how many items a forEach expands to, how much work one CEL expression may do
// and how long a rendered template may grow. A file that asks for more is refused with the limit's
// name, so the user knows which setting (`limits.*` in tandem.yaml) to raise.
//
// They are per process: the composition roots apply the configuration's values once (useLimits)
// and every loader and evaluator reads them here, so that `tandem validate`, `tandem run` and
// `tandem serve` refuse the same files for the same reasons without threading a value through
// every call between them.

export interface Limits {
  /** Items one forEach may expand to, at validation (literal lists and ranges) and at run time. */
  forEachItems: number;
  /** Bytes of one workflow file (or module's exported definition). */
  documentBytes: number;
  /** Levels of nested lists and mappings in one workflow document. */
  nestingDepth: number;
  /** Estimated work of one CEL evaluation (see expr/cel-cost.ts for what counts). */
  celCost: number;
  /** Characters of text one `{{ }}` template may render to. */
  templateBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  forEachItems: 10_000,
  documentBytes: 1024 * 1024,
  nestingDepth: 256,
  celCost: 1_000_000,
  templateBytes: 1024 * 1024,
});

let active: Readonly<Limits> = DEFAULT_LIMITS;

/** The limits in force in this process. */
export function limits(): Readonly<Limits> {
  return active;
}

/** Sets the limits of this process (from its configuration); returns the ones it replaced. */
export function useLimits(next: Limits): Readonly<Limits> {
  const previous = active;
  active = Object.freeze({ ...next });
  return previous;
}

/** "the limit is 10000 (limits.forEachItems)": how every refusal names the bound it hit. */
export function limitText(name: keyof Limits, value: number = active[name]): string {
  return `the limit is ${value} (limits.${name})`;
}
