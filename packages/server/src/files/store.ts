/**
 * Where file bytes live: a FileStore. Two implementations stand behind it, a
 * local folder (the default, under CITYOPS_DATA_DIR/files) and an
 * S3-compatible bucket (CITYOPS_S3_URL); callers never know which.
 */
export interface FileStore {
  readonly label: string;
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The bytes, or undefined when no object has the key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the object; no error when it is already gone. */
  delete(key: string): Promise<void>;
}

/** Keys are made by CityOps ("2026/02/<uuid>.jpg"); anything else is refused before it reaches a store. */
export function checkKey(key: string): string {
  if (!/^[\w-]+(\/[\w-]+)*\.[a-z0-9]+$/.test(key) || key.length > 200) {
    throw new Error(`not a file key: ${key}`);
  }
  return key;
}
