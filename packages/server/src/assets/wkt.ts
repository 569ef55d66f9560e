/**
 * Well-Known Text to GeoJSON, in memory, so that an import can check every
 * row before it touches the database. Reads the 2D (and Z, dropped) forms of
 * POINT, LINESTRING, POLYGON and their MULTI kinds, with an optional
 * "SRID=4326;" prefix.
 */

type Coords = number[] | Coords[];

export type WktGeometry = { type: string; coordinates: Coords };

class Reader {
  private i = 0;
  constructor(private readonly s: string) {}

  private skip(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  peek(): string {
    this.skip();
    return this.s[this.i] ?? '';
  }
  expect(ch: string): void {
    if (this.peek() !== ch) throw new Error(`expected "${ch}" at character ${this.i + 1}`);
    this.i++;
  }
  word(): string {
    this.skip();
    const m = /^[A-Za-z]+/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`expected a word at character ${this.i + 1}`);
    this.i += m[0].length;
    return m[0].toUpperCase();
  }
  number(): number {
    this.skip();
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`expected a number at character ${this.i + 1}`);
    this.i += m[0].length;
    return Number(m[0]);
  }
  end(): void {
    if (this.peek() !== '') throw new Error(`unexpected text at character ${this.i + 1}`);
  }
}

function position(r: Reader): number[] {
  const p = [r.number(), r.number()];
  // A Z (or M) value is read and dropped: assets are stored in 2D.
  while (/[-+\d.]/.test(r.peek())) r.number();
  return p;
}

function list<T>(r: Reader, item: (r: Reader) => T): T[] {
  r.expect('(');
  const out = [item(r)];
  while (r.peek() === ',') {
    r.expect(',');
    out.push(item(r));
  }
  r.expect(')');
  return out;
}

/** A MULTIPOINT lists its points with or without their own parentheses. */
function multiPointMember(r: Reader): number[] {
  if (r.peek() !== '(') return position(r);
  r.expect('(');
  const p = position(r);
  r.expect(')');
  return p;
}

const ring = (r: Reader) => list(r, position);
const polygon = (r: Reader) => list(r, ring);

const kinds: Record<string, { type: string; read: (r: Reader) => Coords }> = {
  POINT: {
    type: 'Point',
    read: (r) => {
      r.expect('(');
      const p = position(r);
      r.expect(')');
      return p;
    },
  },
  LINESTRING: { type: 'LineString', read: ring },
  POLYGON: { type: 'Polygon', read: polygon },
  MULTIPOINT: { type: 'MultiPoint', read: (r) => list(r, multiPointMember) },
  MULTILINESTRING: { type: 'MultiLineString', read: (r) => list(r, ring) },
  MULTIPOLYGON: { type: 'MultiPolygon', read: (r) => list(r, polygon) },
};

/** Parses WKT; throws an Error whose message says what is wrong and where. */
export function parseWkt(text: string): WktGeometry {
  let s = text.trim();
  const srid = /^SRID=(\d+);/i.exec(s);
  if (srid) {
    if (srid[1] !== '4326') throw new Error(`SRID ${srid[1]} is not supported; use WGS84 (4326)`);
    s = s.slice(srid[0].length);
  }
  const r = new Reader(s);
  const word = r.word();
  const kind = kinds[word];
  if (!kind) throw new Error(`unknown geometry type ${word}`);
  const next = r.peek();
  if (next !== '(') {
    const dims = r.word();
    if (dims === 'EMPTY') throw new Error('an empty geometry has no location');
    if (dims !== 'Z' && dims !== 'M' && dims !== 'ZM') throw new Error(`unexpected ${dims}`);
  }
  const coordinates = kind.read(r);
  r.end();
  return { type: kind.type, coordinates };
}
