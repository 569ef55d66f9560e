/**
 * A key kept in a file of the data folder when the settings give none
 * (secret.key, vapid.json): made on first start, readable by its owner only
 * (0600). Two processes starting at once agree on one file: it is written
 * aside and linked into place, which fails if another got there first, and
 * then both read what is there.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface KeyFile<T> {
  /** The file's name in the data folder. */
  name: string;
  /** The text of a new key. */
  make: () => string;
  /** The key in a file's text, or undefined when the text is not one. */
  parse: (text: string) => T | undefined;
  /** What the file should hold, for the error when it holds something else. */
  expected: string;
}

export async function keyFromFile<T>(dataDir: string, k: KeyFile<T>): Promise<T> {
  const file = path.join(dataDir, k.name);
  const existing = await readKeyFile(file, k);
  if (existing !== undefined) return existing;
  await fs.mkdir(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(tmp, k.make(), { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const key = await readKeyFile(file, k);
  if (key === undefined) throw new Error(`${file}: not ${k.expected}`);
  return key;
}

async function readKeyFile<T>(file: string, k: KeyFile<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const key = k.parse(text);
  if (key === undefined) throw new Error(`${file}: not ${k.expected}`);
  return key;
}
