// Build step: unpacks PGlite's PostGIS bundle into dist/pglite/postgis, without
// what CityOps never loads (raster, topology, tiger geocoder, legacy and
// upgrade-from-unpackaged scripts). The embedded database reads these files
// from disk (src/core/db/pglite-setup.ts) rather than unpacking the bundle into
// memory at every start.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';

const require = createRequire(import.meta.url);
const source = path.join(
  path.dirname(require.resolve('@electric-sql/pglite-postgis')),
  'postgis.tar.gz',
);
const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../dist/pglite');
const target = path.join(dist, 'postgis');

const keep = (name) =>
  name.startsWith('share/proj/') ||
  name === 'lib/postgresql/postgis-3.so' ||
  (/^share\/postgresql\/extension\/postgis(\.control|--.*\.sql)$/.test(name) &&
    !name.includes('--unpackaged--')) ||
  name.endsWith('/');

// The compressed bundle earlier builds wrote.
fs.rmSync(path.join(dist, 'postgis.tar.gz'), { force: true });
fs.rmSync(target, { recursive: true, force: true });
const extract = tar.extract();
let kept = 0;
let dropped = 0;
extract.on('entry', (header, stream, next) => {
  const name = header.name.replace(/^\.\//, '');
  if (!keep(name)) {
    dropped += header.size ?? 0;
    stream.on('end', next);
    stream.resume();
    return;
  }
  const out = path.join(target, name);
  if (!out.startsWith(target + path.sep) && out !== target) {
    throw new Error(`postgis bundle: entry outside the folder: ${header.name}`);
  }
  fs.mkdirSync(header.type === 'directory' ? out : path.dirname(out), { recursive: true });
  if (header.type === 'symlink') {
    fs.symlinkSync(header.linkname, out);
  } else if (header.type === 'file') {
    kept += header.size ?? 0;
    stream.pipe(fs.createWriteStream(out, { mode: 0o644 })).on('finish', next);
    return;
  }
  stream.on('end', next);
  stream.resume();
});

await pipeline(fs.createReadStream(source), createGunzip(), extract);
console.log(
  `postgis: kept ${(kept / 2 ** 20).toFixed(1)} MB, dropped ${(dropped / 2 ** 20).toFixed(1)} MB -> ${path.relative(process.cwd(), target)}`,
);
