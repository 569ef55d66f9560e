/**
 * Build steps of the web apps that Vite does not do itself: the citizen
 * service worker with its precache list, gzip/brotli copies for the server,
 * a first-load size report, and the app routes of the dev server.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

type GenerateBundle = Extract<Plugin['generateBundle'], (...args: never[]) => unknown>;
type OutputBundle = Parameters<GenerateBundle>[1];
type OutputChunk = Extract<OutputBundle[string], { type: 'chunk' }>;

function chunkOf(bundle: OutputBundle, name: string): OutputChunk | undefined {
  return Object.values(bundle).find(
    (c): c is OutputChunk => c.type === 'chunk' && c.isEntry && c.name === name,
  );
}

/** The files a page loads before it runs: the entry, its static imports and their CSS. */
function firstLoad(bundle: OutputBundle, entry: OutputChunk): { js: string[]; css: string[] } {
  const js = new Set<string>();
  const css = new Set<string>();
  const visit = (fileName: string) => {
    if (js.has(fileName)) return;
    const c = bundle[fileName];
    if (!c || c.type !== 'chunk') return;
    js.add(fileName);
    for (const f of c.viteMetadata?.importedCss ?? []) css.add(f);
    for (const i of c.imports) visit(i);
  };
  visit(entry.fileName);
  return { js: [...js], css: [...css] };
}

const gzipSize = (source: string | Uint8Array) => gzipSync(source, { level: 9 }).length;

function sourceOf(bundle: OutputBundle, fileName: string): string | Uint8Array {
  const item = bundle[fileName]!;
  return item.type === 'chunk' ? item.code : item.source;
}

/** Emits citizen/sw.js from citizen/sw.js, listing the citizen shell's files to precache. */
export function citizenServiceWorker(template: string): Plugin {
  return {
    name: 'cityops:citizen-sw',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const entry = chunkOf(bundle, 'citizen');
      if (!entry) this.error('no citizen entry chunk');
      const { js, css } = firstLoad(bundle, entry);
      const files = [
        '/citizen/',
        '/citizen/manifest.webmanifest',
        '/citizen/icons/icon.svg',
        '/citizen/icons/icon-192.png',
        ...[...js, ...css].map((f) => `/${f}`),
      ];
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const source = (await fs.readFile(template, 'utf8'))
        .replace('__CITYOPS_VERSION__', version)
        .replace('__CITYOPS_PRECACHE__', JSON.stringify(files));
      this.emitFile({ type: 'asset', fileName: 'citizen/sw.js', source });
    },
  };
}

/** Prints what each app loads before its first render, gzipped. */
export function firstLoadReport(entries: string[]): Plugin {
  return {
    name: 'cityops:first-load-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const name of entries) {
        const entry = chunkOf(bundle, name);
        if (!entry) continue;
        const { js, css } = firstLoad(bundle, entry);
        const kb = (files: string[]) =>
          (files.reduce((n, f) => n + gzipSize(sourceOf(bundle, f)), 0) / 1024).toFixed(1);
        this.info(
          `${name}: first-load JS ${kb(js)} kB gzip (${js.length} files), CSS ${kb(css)} kB gzip`,
        );
      }
    },
  };
}

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest)$/;

/** Writes .gz and .br beside each text file of the build, for the server to send as they are. */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'cityops:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle() {
      const files = await fs.readdir(outDir, { recursive: true });
      for (const name of files) {
        if (!COMPRESSIBLE.test(name)) continue;
        const file = path.join(outDir, name);
        const data = await fs.readFile(file);
        if (data.length < 1024) continue;
        await fs.writeFile(`${file}.gz`, gzipSync(data, { level: 9 }));
        await fs.writeFile(
          `${file}.br`,
          brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

/** In `vite dev`: `/` and the console's routes get the console page, `/citizen/…` the citizen page. */
export function devAppRoutes(): Plugin {
  return {
    name: 'cityops:dev-app-routes',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? '/';
        const pathname = url.split('?')[0]!;
        const page = (req.headers.accept ?? '').includes('text/html');
        const internal = /^\/(@|api\/|open311\/|node_modules\/|assets\/)/.test(pathname);
        if (req.method === 'GET' && page && !internal && !path.extname(pathname)) {
          req.url = pathname.startsWith('/citizen') ? '/citizen/index.html' : '/console/index.html';
        }
        next();
      });
    },
  };
}
