/**
 * POST /api/v1/cameras/import: cameras from CSV or XLSX, as the raw body or
 * a multipart upload; all or nothing, a refusal lists every bad row.
 */
import type { FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { assetImportModeSchema, assetImportResultSchema } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { problemOf, sendProblem } from '../core/http/problem.js';
import { AppError, ValidationError } from '../core/errors.js';
import type { AssetsService } from '../assets/index.js';
import {
  CAMERA_COLUMNS,
  CameraImportRejectedError,
  importCameras,
  rowsFromCsv,
  rowsFromXlsx,
} from './import.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPES = ['text/csv', 'application/csv'];

const description = `All or nothing: any bad row and nothing is stored; the 400 problem lists
every problem in \`errors\` (\`{"path": "row 7: streamUrl", "message"}\`) and in
\`report.problems\` (\`{row, field, reason}\`; the header is row 1). \`mode=upsert\` updates
cameras whose code exists. Send the file as the body (\`text/csv\` or \`${XLSX}\`) or as the one
file of a \`multipart/form-data\` upload. Columns (header row, first sheet for XLSX):
${CAMERA_COLUMNS.map((c) => `\`${c}\``).join(', ')}; \`code\`, \`name\`, \`lon\`, \`lat\` required;
\`type\` camera (default) or anpr_camera; \`groups\` and \`tags\` separated by \`;\`.`;

type Upload = { kind: 'csv'; text: string } | { kind: 'xlsx'; bytes: Buffer };

function kindOf(contentType: string | undefined, filename?: string): Upload['kind'] {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === XLSX || /\.xlsx$/i.test(filename ?? '')) return 'xlsx';
  if (CSV_TYPES.includes(type) || /\.csv$/i.test(filename ?? '')) return 'csv';
  throw new AppError(
    'unsupported-media-type',
    415,
    'Unsupported media type',
    `Send CSV (text/csv) or XLSX (${XLSX}).`,
  );
}

async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (request.isMultipart()) {
    const file = await request.file();
    if (!file) throw ValidationError.field('file', 'the upload holds no file');
    const kind = kindOf(file.mimetype, file.filename);
    const bytes = await file.toBuffer();
    return kind === 'csv' ? { kind, text: bytes.toString('utf8') } : { kind, bytes };
  }
  const kind = kindOf(request.headers['content-type']);
  const body = request.body;
  if (kind === 'csv') {
    if (typeof body !== 'string') throw ValidationError.field('(file)', 'not CSV text');
    return { kind, text: body };
  }
  if (!Buffer.isBuffer(body)) throw ValidationError.field('(file)', 'not an XLSX file');
  return { kind, bytes: body };
}

export function cameraImportRoutes(assets: AssetsService, importLimit: number) {
  return async (app: App) => {
    await app.register(async (scope: App) => {
      scope.addContentTypeParser(CSV_TYPES, { parseAs: 'string' }, (_r, body, done) =>
        done(null, body),
      );
      scope.addContentTypeParser(XLSX, { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
      await scope.register(multipart, { limits: { fileSize: importLimit, files: 1, fields: 10 } });
      scope.setErrorHandler(async (err, request, reply) => {
        if (!(err instanceof CameraImportRejectedError))
          return sendProblem(request, reply, err as Error);
        return reply
          .status(400)
          .type('application/problem+json; charset=utf-8')
          .send({
            ...problemOf(err, request.url.split('?')[0]),
            report: { problems: err.problems.slice(0, 1000), total: err.problems.length },
          });
      });
      scope.post(
        '/api/v1/cameras/import',
        {
          bodyLimit: importLimit,
          schema: {
            tags: ['cameras'],
            summary: 'Import cameras from CSV or XLSX',
            description,
            consumes: [...CSV_TYPES, XLSX, 'multipart/form-data'],
            querystring: z.object({ mode: assetImportModeSchema.default('create') }).strict(),
            response: { 200: assetImportResultSchema, 201: assetImportResultSchema },
          },
          config: { access: 'assets:import' },
        },
        async (request, reply) => {
          const upload = await readUpload(request);
          const rows =
            upload.kind === 'csv' ? rowsFromCsv(upload.text) : await rowsFromXlsx(upload.bytes);
          const result = await importCameras(assets, actorFrom(request), rows, {
            mode: request.query.mode,
            scope: principalOf(request).scope,
          });
          return reply.status(result.created > 0 ? 201 : 200).send(result);
        },
      );
    });
  };
}
