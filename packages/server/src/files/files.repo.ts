/** Storage of file metadata. */
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

export interface FileRow {
  id: string;
  storage_key: string;
  thumb_key: string;
  content_type: string;
  size: number;
  width: number;
  height: number;
  sha256: string;
  uploaded_by_type: string;
  uploaded_by_id: string | null;
  attached_at: Date | null;
  created_at: Date;
}

export async function insertFile(db: Queryable, f: Omit<FileRow, 'attached_at'>): Promise<void> {
  await db.query(sql`
    INSERT INTO files (id, storage_key, thumb_key, content_type, size, width, height, sha256,
      uploaded_by_type, uploaded_by_id, created_at)
    VALUES (${f.id}, ${f.storage_key}, ${f.thumb_key}, ${f.content_type}, ${f.size}, ${f.width},
      ${f.height}, ${f.sha256}, ${f.uploaded_by_type}, ${f.uploaded_by_id}, ${f.created_at})`);
}

export async function findFile(db: Queryable, id: string): Promise<FileRow | undefined> {
  const [row] = await db.query<FileRow>(sql`SELECT * FROM files WHERE id = ${id}`);
  return row;
}

export function findFiles(db: Queryable, ids: string[]): Promise<FileRow[]> {
  return db.query<FileRow>(sql`SELECT * FROM files WHERE id = ANY(${ids}::uuid[]) FOR UPDATE`);
}

export async function markAttached(db: Queryable, ids: string[], at: Date): Promise<void> {
  await db.query(sql`UPDATE files SET attached_at = ${at} WHERE id = ANY(${ids}::uuid[])`);
}

/** Takes unattached uploads older than the cutoff, deleting their rows; answers their keys. */
export function deleteUnattached(db: Queryable, before: Date, limit: number): Promise<FileRow[]> {
  return db.query<FileRow>(sql`
    DELETE FROM files WHERE id IN (
      SELECT id FROM files WHERE attached_at IS NULL AND created_at < ${before}
      ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING *`);
}
