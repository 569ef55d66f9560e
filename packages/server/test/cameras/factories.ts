/** Factories for camera tests: cameras in known wards, with or without credentials. */
import { expect } from 'vitest';
import type { Asset, AssetCreateInput } from '@cityops/contracts';
import type { Caller } from '../support/app.js';
import { places, point, uniqueCode } from '../assets/factories.js';

export { places, point, uniqueCode };

/** A camera in Phan Đình Phùng unless told otherwise; properties merge over the defaults. */
export function buildCamera(
  overrides: Partial<AssetCreateInput> & { properties?: Record<string, unknown> } = {},
): AssetCreateInput {
  const code = overrides.code ?? uniqueCode('CAM');
  return {
    type: 'camera',
    code,
    name: `Camera ${code}`,
    geometry: point(places.phanDinhPhung.at),
    ...overrides,
    properties: { purpose: 'security', ...(overrides.properties ?? {}) },
  };
}

export async function createCamera(
  caller: Caller,
  overrides: Parameters<typeof buildCamera>[0] = {},
): Promise<Asset> {
  const res = await caller.post('/api/v1/assets', buildCamera(overrides));
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Asset>();
}
