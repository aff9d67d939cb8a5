// Secrets come only from the environment or from files, and are never printed: a SecretRef in
// configuration names where the secret is, never the secret itself.
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TandemError } from './errors.js';

export const SecretRef = Type.Union(
  [
    Type.Object({ env: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    Type.Object({ file: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  ],
  {
    // Read as "expected ..." when a value does not fit (a token written inline, most often), so it
    // says what a SecretRef is rather than what the field is for.
    description: 'a SecretRef: { env: NAME } (an environment variable holding the secret) or { file: PATH } (a file holding it), never the secret itself',
  },
);
export type SecretRef = Static<typeof SecretRef>;

export class SecretError extends TandemError {
  readonly code = 'SECRET';
  override readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

/** Reads a secret; the error names where it looked, never a value. Trailing newlines of files are dropped. */
export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined || value === '') throw new SecretError(`secret: environment variable ${ref.env} is not set`);
    return value;
  }
  try {
    return readFileSync(ref.file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new SecretError(`secret: cannot read ${ref.file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
