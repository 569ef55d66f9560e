/**
 * The built browser apps (packages/web/dist): files as they are, hashed ones
 * cached for a year, pages never cached; `/` and unknown page paths get the
 * console, `/citizen/…` the citizen app. API paths never get a page: they fall
 * through to the JSON 404 of the app.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../core/http/app.js';

const API_PATH = /^\/(api|open311)(\/|$)/;
const YEAR_MS = 365 * 24 * 3600 * 1000;

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CityOps: console not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5}code{background:#eee;padding:.1em .3em}</style>
</head><body>
<h1>The CityOps console is not built</h1>
<p>The API is running, but the browser apps have not been built yet.
Build them from the repository root with <code>npm run build</code>
(or only the web apps with <code>npm run build --workspace @cityops/web</code>), then reload this page.</p>
<p lang="vi">Giao diện điều hành CityOps chưa được build. Chạy <code>npm run build</code> ở thư mục gốc của mã nguồn rồi tải lại trang.</p>
<p>API: <a href="/api/docs">/api/docs</a> · health: <a href="/readyz">/readyz</a></p>
</body></html>
`;

/** A file of the build for a URL path, relative to the build folder; null when there is none. */
async function fileFor(distDir: string, pathname: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split('/').some((s) => s === '..' || s === '.'))
    return null;
  const full = path.join(distDir, decoded);
  if (!full.startsWith(distDir + path.sep)) return null;
  try {
    return (await fs.stat(full)).isFile() ? path.relative(distDir, full) : null;
  } catch {
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

const wantsPage = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/html');

export function staticRoutes(distDir: string) {
  const root = path.resolve(distDir);

  const sendPage = (reply: FastifyReply, file: string) =>
    reply
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .sendFile(file, root, { cacheControl: false });

  return async (app: App) => {
    await app.register(fastifyStatic, {
      root,
      serve: false,
      preCompressed: true,
      suppressWarning: true,
    });

    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const pathname = request.url.split('?')[0] ?? '/';
      if (API_PATH.test(pathname)) return reply.callNotFound();
      if (pathname === '/citizen') return reply.redirect('/citizen/', 301);

      const file = await fileFor(root, pathname);
      if (file) {
        if (file.startsWith(`assets${path.sep}`))
          return reply.sendFile(file, root, { maxAge: YEAR_MS, immutable: true });
        return reply
          .header('cache-control', 'no-cache')
          .sendFile(file, root, { cacheControl: false });
      }

      // Not a file: a page of one of the apps (their routers take it from there).
      const appRoot = pathname === '/' || pathname === '/citizen/';
      if (!appRoot && (!wantsPage(request) || path.extname(pathname))) return reply.callNotFound();
      const page = pathname.startsWith('/citizen/') ? 'citizen/index.html' : 'console/index.html';
      if (!(await exists(path.join(root, page))))
        return reply
          .status(503)
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(notBuiltPage);
      return sendPage(reply, page);
    });
  };
}
