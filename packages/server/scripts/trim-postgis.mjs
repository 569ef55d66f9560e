// Build step: writes dist/pglite/postgis.tar.gz, PGlite's PostGIS bundle without
// what CityOps never loads (raster, topology, tiger geocoder, legacy and
// upgrade-from-unpackaged scripts). The embedded database unpacks the bundle
// into memory at every start, so this saves ~60 MB of resident memory.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';

const require = createRequire(import.meta.url);
const source = path.join(
  path.dirname(require.resolve('@electric-sql/pglite-postgis')),
  'postgis.tar.gz',
);
const target = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../dist/pglite/postgis.tar.gz',
);

const keep = (name) =>
  name.startsWith('share/proj/') ||
  name === 'lib/postgresql/postgis-3.so' ||
  (/^share\/postgresql\/extension\/postgis(\.control|--.*\.sql)$/.test(name) &&
    !name.includes('--unpackaged--')) ||
  name.endsWith('/');

const extract = tar.extract();
const pack = tar.pack();
let kept = 0;
let dropped = 0;
extract.on('entry', (header, stream, next) => {
  if (!keep(header.name)) {
    dropped += header.size ?? 0;
    stream.on('end', next);
    stream.resume();
    return;
  }
  kept += header.size ?? 0;
  stream.pipe(pack.entry(header, next));
});
extract.on('finish', () => pack.finalize());

fs.mkdirSync(path.dirname(target), { recursive: true });
await Promise.all([
  pipeline(fs.createReadStream(source), createGunzip(), extract),
  pipeline(pack, createGzip({ level: 6 }), fs.createWriteStream(target)),
]);
console.log(
  `postgis bundle: kept ${(kept / 2 ** 20).toFixed(1)} MB, dropped ${(dropped / 2 ** 20).toFixed(1)} MB -> ${path.relative(process.cwd(), target)}`,
);
