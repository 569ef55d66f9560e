/**
 * POST /api/v1/files: a photo upload, as the one file of a multipart form
 * (field `file`) or as the raw body (Content-Type image/jpeg, image/png,
 * image/webp, image/heic). Anyone may upload (the citizen app sends photos
 * before the report, possibly anonymously), rate-limited per address; the
 * answer's id is then attached to a report, by the same caller.
 */
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { uploadedFileSchema } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { ValidationError } from '../core/errors.js';
import type { FilesService } from './files.service.js';
import { UnsupportedMediaTypeError } from './images.js';
import { uploaderOf } from './uploader.js';

const RAW_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'];

/** The uploaded bytes: the first file of a multipart form, or the raw body. */
export async function readPhoto(request: FastifyRequest, field = 'file'): Promise<Buffer> {
  if (request.isMultipart()) {
    const part = await request.file();
    if (!part) throw ValidationError.field(field, 'the form has no file');
    return part.toBuffer();
  }
  if (Buffer.isBuffer(request.body)) return request.body;
  throw new UnsupportedMediaTypeError(
    `Send the photo as multipart/form-data (field ${field}) or as the raw body with an image type.`,
  );
}

export function filesRoutes(files: FilesService) {
  const limit = files.uploadLimit;
  return async (app: App) => {
    await app.register(async (scope) => {
      await scope.register(multipart, { limits: { fileSize: limit, files: 1, fields: 5 } });
      scope.addContentTypeParser(
        RAW_TYPES,
        { parseAs: 'buffer', bodyLimit: limit },
        (_r, body, done) => done(null, body),
      );
      scope.post(
        '/api/v1/files',
        {
          bodyLimit: limit + 64 * 1024,
          schema: {
            tags: ['files'],
            summary: 'Upload a photo (to attach to a report)',
            description:
              `JPEG, PNG, WebP or HEIC, at most ${limit} bytes (CITYOPS_UPLOAD_LIMIT): 415 for ` +
              'anything else (the type is read from the bytes), 413 when larger. The photo is ' +
              're-encoded without any metadata (EXIF, GPS) and a 320-pixel thumbnail made. ' +
              'Attach it within a day by giving its id to a report (photoIds); only the same ' +
              'caller can attach it.',
            consumes: ['multipart/form-data', ...RAW_TYPES],
            response: { 201: uploadedFileSchema },
          },
          config: {
            access: 'public',
            rateLimit: { max: 60, timeWindow: '1 minute', hook: 'onRequest' },
          },
        },
        async (request, reply) => {
          const bytes = await readPhoto(request);
          return reply
            .status(201)
            .send(await files.uploadPhoto(uploaderOf(request.principal), bytes));
        },
      );
    });
  };
}
