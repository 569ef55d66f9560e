/** Decodes a Mapbox Vector Tile answer (both renderers) into plain features for assertions. */
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { LightMyRequestResponse } from 'fastify';

export interface DecodedFeature {
  type: number;
  properties: Record<string, string | number | boolean>;
  /** Tile coordinates of the first point (0…extent inside the tile). */
  first: { x: number; y: number };
}

/** The layers of a tile answer, by name; an empty answer (204) has none. */
export function decodeTile(res: LightMyRequestResponse): Record<string, DecodedFeature[]> {
  if (res.statusCode === 204) return {};
  const tile = new VectorTile(new PbfReader(res.rawPayload));
  const out: Record<string, DecodedFeature[]> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    out[name] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const p = f.loadGeometry()[0]![0]!;
      out[name].push({ type: f.type, properties: { ...f.properties }, first: { x: p.x, y: p.y } });
    }
  }
  return out;
}
