/**
 * Encryption at rest of the secrets CityOps must be able to read back (camera
 * credentials): AES-256-GCM with a fresh 12-byte nonce per value and the
 * field's name as associated data, so a value copied into another field does
 * not open. Sealed text reads `v1:<base64url(nonce | tag | ciphertext)>`.
 *
 * The key is CITYOPS_SECRET_KEY (32 bytes, base64 or hex) or, when it is unset,
 * `secret.key` in the data folder, made on first start readable by its owner
 * only (0600). Several processes on one PostgreSQL must share the key: set
 * CITYOPS_SECRET_KEY on each. Losing the key loses the stored credentials
 * (they must be entered again), nothing else.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { keyFromFile } from '../key-file.js';

const PREFIX = 'v1:';
const KEY_FILE = 'secret.key';

export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
    this.key = Buffer.from(key);
  }

  /** Whether a stored value is sealed (older, plain values are not). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  seal(plain: string, field: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(field, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The plain value; throws when the key is not the one that sealed it or the value was altered. */
  open(sealed: string, field: string): string {
    if (!SecretBox.isSealed(sealed)) throw new Error('not a sealed value');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (raw.length < 28) throw new Error('sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(field, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** A key given as 32 bytes in base64/base64url (43–44 characters) or hex (64). */
export function parseSecretKey(text: string): Buffer | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return b.length === 32 ? b : undefined;
  }
  return undefined;
}

/** The key of the settings, or the data folder's key file (made now if there is none). */
export async function loadSecretKey(opts: {
  secretKey: string | undefined;
  dataDir: string;
}): Promise<Buffer> {
  if (opts.secretKey) {
    const key = parseSecretKey(opts.secretKey);
    if (!key) throw new Error('CITYOPS_SECRET_KEY: must be 32 bytes in base64 or hex');
    return key;
  }
  return keyFromFile(opts.dataDir, {
    name: KEY_FILE,
    make: () => randomBytes(32).toString('base64') + '\n',
    parse: parseSecretKey,
    expected: 'a key of 32 bytes in base64 or hex',
  });
}
