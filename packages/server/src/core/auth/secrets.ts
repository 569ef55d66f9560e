/**
 * Bearer secrets (session tokens, API keys, device keys): random, prefixed by
 * kind, stored only as a SHA-256 hash.
 */
import { createHash, randomBytes } from 'node:crypto';

export type SecretKind = 'session' | 'apikey' | 'device' | 'citizen';
const prefixes: Record<SecretKind, string> = {
  session: 'cot_',
  apikey: 'cok_',
  device: 'cod_',
  citizen: 'coc_',
};

export function newSecret(kind: SecretKind): string {
  return prefixes[kind] + randomBytes(32).toString('base64url');
}

export function secretKind(secret: string): SecretKind | undefined {
  for (const [kind, prefix] of Object.entries(prefixes)) {
    if (secret.startsWith(prefix)) return kind as SecretKind;
  }
  return undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The part of a secret safe to show later to tell keys apart ("cok_Ab3x…"). */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 8);
}
