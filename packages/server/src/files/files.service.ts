/**
 * Uploaded photos: processed (images.ts), stored in the FileStore with their
 * thumbnail, their metadata in the database. An upload belongs to who sent it
 * until a report attaches it; unattached uploads are removed after a day.
 * Who may read an attached file is the attaching module's decision: this
 * service only hands out bytes by id.
 */
import { createHash } from 'node:crypto';
import type { UploadedFile } from '@cityops/contracts';
import type { Db, Queryable } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { processImage } from './images.js';
import type { FileStore } from './store.js';
import * as repo from './files.repo.js';

/** Who uploaded a file: the kind of caller and its id, or nobody known. */
export interface Uploader {
  type: 'citizen' | 'user' | 'apikey' | 'anonymous';
  id: string | null;
}

const DAY_MS = 86_400_000;

function present(
  r: Pick<repo.FileRow, 'id' | 'content_type' | 'size' | 'width' | 'height'>,
): UploadedFile {
  return { id: r.id, contentType: r.content_type, size: r.size, width: r.width, height: r.height };
}

export class FilesService {
  constructor(
    private readonly db: Db,
    private readonly store: FileStore,
    private readonly clock: Clock,
    readonly uploadLimit: number,
  ) {}

  get storeLabel(): string {
    return this.store.label;
  }

  /** Checks, cleans and stores a photo; answers its id (to attach) and size. */
  async uploadPhoto(uploader: Uploader, bytes: Buffer): Promise<UploadedFile> {
    const image = await processImage(bytes, this.uploadLimit);
    const id = newId();
    const now = this.clock.now();
    const month = now.toISOString().slice(0, 7).replace('-', '/');
    const row = {
      id,
      storage_key: `${month}/${id}.${image.extension}`,
      thumb_key: `${month}/${id}-thumb.jpg`,
      content_type: image.contentType,
      size: image.bytes.length,
      width: image.width,
      height: image.height,
      sha256: createHash('sha256').update(image.bytes).digest('hex'),
      uploaded_by_type: uploader.type,
      uploaded_by_id: uploader.id,
      created_at: now,
    };
    await this.store.put(row.storage_key, image.bytes, image.contentType);
    await this.store.put(row.thumb_key, image.thumb, 'image/jpeg');
    await repo.insertFile(this.db, row);
    return present(row);
  }

  /**
   * Attaches uploads inside the caller's transaction. Each must exist, be
   * unattached, and have been sent by the same caller (anonymous uploads by
   * anyone holding the id); otherwise a 400 naming `field`.
   */
  async attach(tx: Queryable, ids: string[], by: Uploader, field: string): Promise<UploadedFile[]> {
    if (ids.length === 0) return [];
    const rows = await repo.findFiles(tx, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const errors = ids.flatMap((id, i) => {
      const r = byId.get(id);
      const path = `${field}.${i}`;
      if (!r) return [{ path, message: `no upload has the id ${id}` }];
      if (r.attached_at) return [{ path, message: `upload ${id} is already attached` }];
      const sameCaller =
        r.uploaded_by_type === 'anonymous' ||
        (r.uploaded_by_type === by.type && r.uploaded_by_id === by.id);
      return sameCaller ? [] : [{ path, message: `upload ${id} was sent by someone else` }];
    });
    if (errors.length) throw new ValidationError(errors);
    await repo.markAttached(tx, ids, this.clock.now());
    return ids.map((id) => present(byId.get(id)!));
  }

  async meta(id: string): Promise<UploadedFile | undefined> {
    const row = await repo.findFile(this.db, id);
    return row && present(row);
  }

  /** The bytes of a file or its thumbnail. */
  async read(
    id: string,
    variant: 'full' | 'thumb',
  ): Promise<{ bytes: Buffer; contentType: string }> {
    const row = await repo.findFile(this.db, id);
    if (!row) throw new NotFoundError('File', id);
    const bytes = await this.store.get(variant === 'thumb' ? row.thumb_key : row.storage_key);
    if (!bytes) throw new NotFoundError('File', id);
    return { bytes, contentType: variant === 'thumb' ? 'image/jpeg' : row.content_type };
  }

  /** Removes uploads nobody attached within a day; answers how many. */
  async removeUnattached(batch = 200): Promise<number> {
    const rows = await this.db.transaction((tx) =>
      repo.deleteUnattached(tx, new Date(this.clock.now().getTime() - DAY_MS), batch),
    );
    for (const r of rows) {
      await this.store.delete(r.storage_key);
      await this.store.delete(r.thumb_key);
    }
    return rows.length;
  }
}
