// Reading request headers as Node gives them (names lower-cased; a repeated header as an array).

export type Headers = Record<string, string | string[] | undefined>;

/** One header's value: the first when repeated, undefined when absent or empty. */
export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
