/**
 * Device identities of the demo assets that send data (cameras, ANPR cameras,
 * signal controllers, fire panels, sensors): one per asset, created through
 * the devices service. The seed creates them and forgets their keys; the
 * device simulator gives them new keys when it starts and keeps those in
 * memory only. Assets that already have a device keep it.
 */
import type { Asset, AssetType } from '@cityops/contracts';
import type { Actor, Scope } from '../core/auth/principal.js';
import type { AssetsService } from '../assets/assets.service.js';
import type { DevicesService } from '../devices/devices.service.js';
import { DEMO_TAG } from './build.js';

/** The demo asset types that send events. */
export const DEMO_DEVICE_TYPES: readonly AssetType[] = [
  'camera',
  'anpr_camera',
  'signal_controller',
  'fire_panel',
  'sensor',
];

const everywhere: Scope = { all: true };

export interface DemoDevice {
  assetId: string;
  deviceId: string;
  disabled: boolean;
  /** Only when created just now (a key is shown once). */
  key?: string;
}

/** Every demo asset of the sending types, in creation order. */
export async function demoDeviceAssets(assets: AssetsService): Promise<Asset[]> {
  const out: Asset[] = [];
  const filter = { type: [...DEMO_DEVICE_TYPES], tag: [DEMO_TAG] };
  for await (const batch of assets.batches(filter, everywhere)) out.push(...batch);
  return out;
}

/** The first device of each asset (an enabled one when there are several). */
async function devicesByAsset(devices: DevicesService): Promise<Map<string, DemoDevice>> {
  const byAsset = new Map<string, DemoDevice>();
  let after: string | undefined;
  for (;;) {
    const page = await devices.list(everywhere, { after, limit: 1000 });
    for (const d of page) {
      const known = byAsset.get(d.assetId);
      if (known && (!known.disabled || d.disabled)) continue;
      byAsset.set(d.assetId, { assetId: d.assetId, deviceId: d.id, disabled: d.disabled });
    }
    if (page.length < 1000) return byAsset;
    after = page[page.length - 1]!.id;
  }
}

/**
 * A device for each asset, created where missing; answers them by asset id,
 * and how many were created. `shouldStop` ends the work early (shutdown).
 */
export async function ensureDemoDevices(
  devices: DevicesService,
  actor: Actor,
  assets: ReadonlyArray<Pick<Asset, 'id' | 'code'>>,
  shouldStop: () => boolean = () => false,
): Promise<{ byAsset: Map<string, DemoDevice>; created: number }> {
  const byAsset = await devicesByAsset(devices);
  let created = 0;
  for (const asset of assets) {
    if (shouldStop()) break;
    if (byAsset.has(asset.id)) continue;
    const d = await devices.create(actor, everywhere, {
      assetId: asset.id,
      name: `Demo ${asset.code}`,
    });
    byAsset.set(asset.id, { assetId: asset.id, deviceId: d.id, disabled: false, key: d.key });
    created++;
  }
  return { byAsset, created };
}
