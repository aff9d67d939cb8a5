// tandem secrets ({ env: NAME } or { file: PATH }) as Kubernetes secret key selectors. Every
// reference points into one Secret (deps.secretName, default "tandem-secrets"); the key is the
// environment variable's name, or the file's base name, reduced to the characters a Secret key
// allows ([-._a-zA-Z0-9]). The Secret itself is the operator's to create with those keys.
import type { SecretRef } from '../../secrets.js';

export interface SecretKeySelector {
  name: string;
  key: string;
}

/** A Secret key: letters, digits, '-', '_' and '.'; anything else becomes '_'. */
export function secretKeyName(text: string): string {
  const key = text.replace(/[^-._a-zA-Z0-9]/g, '_');
  return key === '' || key === '.' || key === '..' ? `_${key}` : key;
}

/** The key a secret reference is expected under. */
export function secretKeyOf(ref: SecretRef): string {
  if ('env' in ref) return secretKeyName(ref.env);
  return secretKeyName(baseName(ref.file));
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((part) => part !== '');
  return parts[parts.length - 1] ?? path;
}

export function secretSelector(secretName: string, ref: SecretRef): SecretKeySelector {
  return { name: secretName, key: secretKeyOf(ref) };
}

/** For a value tandem reads from a plain file path (a NATS creds file, a CA bundle): the key is its base name. */
export function fileSelector(secretName: string, path: string): SecretKeySelector {
  return { name: secretName, key: secretKeyName(baseName(path)) };
}
