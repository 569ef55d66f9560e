/**
 * The files module: photo uploads with their metadata stripped, thumbnails,
 * and the FileStore (a local folder under CITYOPS_DATA_DIR/files, or an
 * S3-compatible bucket with CITYOPS_S3_URL).
 */
import path from 'node:path';
import type { CityOpsModule, CoreContext } from '../core/module.js';
import { FilesService } from './files.service.js';
import { filesRoutes } from './files.routes.js';
import { LocalFileStore } from './local.store.js';
import { parseS3Url, S3FileStore } from './s3.store.js';
import type { FileStore } from './store.js';

export { FilesService, type Uploader } from './files.service.js';
export type { FileStore } from './store.js';
export { uploaderOf } from './uploader.js';
export { readPhoto } from './files.routes.js';

export function fileStoreFor(ctx: CoreContext): FileStore {
  const { s3Url } = ctx.config.reports;
  return s3Url
    ? new S3FileStore(parseS3Url(s3Url))
    : new LocalFileStore(path.join(ctx.config.dataDir, 'files'));
}

export function filesModule(ctx: CoreContext, opts: { store?: FileStore } = {}) {
  const store = opts.store ?? fileStoreFor(ctx);
  const service = new FilesService(ctx.db, store, ctx.clock, ctx.config.reports.uploadLimit);
  const module: CityOpsModule = { name: 'files', routes: filesRoutes(service) };
  return { module, service };
}
