/**
 * Traffic equipment: the 3 licence-plate (ANPR) cameras at 3 key junctions of
 * Thái Nguyên and the signal controllers at junctions, some of them controlled
 * remotely from the IOC.
 */
import { JUNCTIONS } from './areas.js';
import { AGENCY } from './agencies.js';
import { offset } from './geometry.js';
import { ANPR_MODELS, cameraNetwork, fovFor } from './camera-models.js';
import {
  assetCode,
  placeAt,
  pointAsset,
  statusFor,
  type DemoAsset,
  type DemoContext,
} from './build.js';

/** ANPR cameras sit on 192.0.2.0/24, after the cameras' addresses (see documentationHost). */
const ANPR_HOST_BASE = 2 * 253;

export function demoAnprCameras(ctx: DemoContext): DemoAsset[] {
  const { rng } = ctx;
  return JUNCTIONS.filter((j) => j.anpr).map((j, i) => {
    const model = ANPR_MODELS[i % ANPR_MODELS.length]!;
    const placed = placeAt(ctx, offset(j.at, 8, -8), (u) => u.area === j.area);
    return pointAsset(
      'anpr_camera',
      assetCode('ANPR', i + 1, 2),
      `Camera nhận dạng biển số ${j.label}`,
      placed,
      {
        vendor: model.vendor,
        model: model.model,
        ...cameraNetwork(model, ANPR_HOST_BASE + i),
        purpose: 'traffic',
        fov: fovFor(model, rng.int(0, 359)),
        ownerUnit: placed.unit.code,
        groups: ['Camera nhận dạng biển số', placed.unit.nameVi],
        lanes: rng.int(2, 4),
        direction: j.anpr!,
      },
      { status: 'online', agencyCode: AGENCY.trafficPolice, tags: ['traffic', 'anpr', j.area] },
    );
  });
}

const CONTROLLERS = [
  { vendor: 'Swarco', model: 'ITC-3' },
  { vendor: 'Siemens', model: 'sX' },
] as const;

export function demoSignalControllers(ctx: DemoContext): DemoAsset[] {
  const { rng } = ctx;
  return JUNCTIONS.filter((j) => j.signal).map((j, i) => {
    const c = rng.pick(CONTROLLERS);
    const intersection = j.label.charAt(0).toUpperCase() + j.label.slice(1);
    return pointAsset(
      'signal_controller',
      assetCode('SIG', i + 1, 3),
      `Tủ điều khiển đèn tín hiệu ${j.label}`,
      placeAt(ctx, offset(j.at, -10, 6), (u) => u.area === j.area),
      {
        vendor: c.vendor,
        model: c.model,
        intersection,
        phases: j.label.startsWith('ngã tư') ? rng.int(3, 4) : rng.int(2, 3),
        remoteControl: j.signal === 'remote',
      },
      {
        status: statusFor(rng, 'device'),
        agencyCode: AGENCY.trafficPolice,
        tags: ['traffic', j.area, ...(j.signal === 'remote' ? ['remote-control'] : [])],
      },
    );
  });
}
