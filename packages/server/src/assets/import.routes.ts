/**
 * POST /api/v1/assets/import: a CSV or GeoJSON file, as the raw body or as a
 * multipart upload, with the larger import body limit. Registered in a plugin
 * of its own so that its body parsers and its error answer (which adds the
 * import report) apply to this route only.
 */
import type { FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { assetImportModeSchema, assetImportResultSchema } from '@cityops/contracts';
import type { App } from '../core/http/app.js';
import { actorFrom, principalOf } from '../core/http/app.js';
import { problemOf, sendProblem } from '../core/http/problem.js';
import { AppError, ValidationError } from '../core/errors.js';
import type { AssetsService, ImportFile } from './assets.service.js';
import { ImportRejectedError } from './import.js';
import { CSV_COLUMNS } from './export.js';

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];
const GEOJSON_TYPES = ['application/geo+json', 'application/json'];

const description = `All or nothing: any bad row and nothing is stored; the 400 problem lists every
bad row in \`errors\` (\`{"path": "line 7: lon", "message"}\`) and in \`report.problems\`
(\`{line, field, reason}\`). \`mode=create\` (default) refuses a (type, code) that exists;
\`mode=upsert\` updates that asset. Answers 201 when assets were created, else 200.

Send the file as the body (\`text/csv\`, \`application/geo+json\` or \`application/json\`) or as
the one file of a \`multipart/form-data\` upload (format from its type or .csv/.geojson/.json name).

**CSV** (UTF-8, comma-separated, header line): \`type\`, \`code\`, \`name\` (required); the location
as \`lon\` and \`lat\`, or \`wkt\`, or \`geometry\` (GeoJSON text); optional \`status\`,
\`agencyCode\`, \`tags\` (separated by \`;\`); the type's properties as a \`properties\` column
(JSON object) and/or \`properties.<name>\` columns. \`id\`, \`adminUnit\`, \`createdAt\` and
\`updatedAt\` are ignored, so an export (columns: ${CSV_COLUMNS.join(', ')}) reads back as is.

**GeoJSON**: a FeatureCollection; each Feature's \`properties\` hold \`type\`, \`code\`, \`name\`,
optional \`status\`, \`agencyCode\`, \`tags\`, and the type's own properties under
\`properties\`.`;

function formatOf(contentType: string | undefined, filename?: string): ImportFile['format'] {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (CSV_TYPES.includes(type) || /\.csv$/i.test(filename ?? '')) return 'csv';
  if (GEOJSON_TYPES.includes(type) || /\.(geo)?json$/i.test(filename ?? '')) return 'geojson';
  throw new AppError(
    'unsupported-media-type',
    415,
    'Unsupported media type',
    'Send CSV (text/csv) or GeoJSON (application/geo+json).',
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw ValidationError.field('(file)', `not valid JSON: ${(err as Error).message}`);
  }
}

/** The uploaded file, from the body or a multipart upload. */
async function readUpload(request: FastifyRequest): Promise<ImportFile> {
  if (request.isMultipart()) {
    const file = await request.file();
    if (!file) throw ValidationError.field('file', 'the upload holds no file');
    const format = formatOf(file.mimetype, file.filename);
    const text = (await file.toBuffer()).toString('utf8');
    return format === 'csv' ? { format, content: text } : { format, content: parseJson(text) };
  }
  const format = formatOf(request.headers['content-type']);
  if (format === 'csv') {
    if (typeof request.body !== 'string') throw ValidationError.field('(file)', 'not CSV text');
    return { format, content: request.body };
  }
  return { format, content: request.body };
}

export function importRoutes(assets: AssetsService, importLimit: number) {
  return async (app: App) => {
    await app.register(async (scope: App) => {
      scope.addContentTypeParser(
        ['text/csv', 'application/csv'],
        { parseAs: 'string' },
        (_request, body, done) => done(null, body),
      );
      scope.addContentTypeParser(
        'application/geo+json',
        { parseAs: 'string' },
        (_request, body, done) => {
          try {
            done(null, JSON.parse(body as string));
          } catch (err) {
            done(err as Error, undefined);
          }
        },
      );
      await scope.register(multipart, { limits: { fileSize: importLimit, files: 1, fields: 10 } });
      scope.setErrorHandler(async (err, request, reply) => {
        if (!(err instanceof ImportRejectedError)) return sendProblem(request, reply, err as Error);
        request.log.info({ problems: err.report.total }, 'import refused');
        return reply
          .status(400)
          .type('application/problem+json; charset=utf-8')
          .send({ ...problemOf(err, request.url.split('?')[0]), report: err.report });
      });

      scope.post(
        '/api/v1/assets/import',
        {
          bodyLimit: importLimit,
          schema: {
            tags: ['assets'],
            summary: 'Import assets from CSV or GeoJSON',
            description,
            consumes: [...CSV_TYPES, ...GEOJSON_TYPES, 'multipart/form-data'],
            querystring: z.object({ mode: assetImportModeSchema.default('create') }).strict(),
            response: { 200: assetImportResultSchema, 201: assetImportResultSchema },
          },
          config: { access: 'assets:import' },
        },
        async (request, reply) => {
          const result = await assets.importFile(actorFrom(request), await readUpload(request), {
            mode: request.query.mode,
            scope: principalOf(request).scope,
          });
          return reply.status(result.created > 0 ? 201 : 200).send(result);
        },
      );
    });
  };
}
