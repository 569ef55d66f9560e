/**
 * Device identities: created for an asset with a key shown once (stored as its
 * SHA-256), disabled and enabled, keys rotated; every change audited. Turns a
 * device key into a device identity for HTTP and MQTT, with a short cache so
 * that ingestion does not read the database per message: a change made here is
 * seen at once in this process and within `cacheTtlMs` in the others.
 *
 * A known device's entry, once old, is still answered while it is read again
 * in the background, and entries live a little shorter or longer than
 * `cacheTtlMs` at random: a fleet that connected together would otherwise
 * expire together and every device's next message would wait behind a burst
 * of the same reads (a 400 ms stall of the stream every 10 s with 1,000
 * devices).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Device, DeviceCreate, DevicePatch, DeviceWithKey } from '@cityops/contracts';
import type { Db } from '../core/db/db.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { scopeIncludes, type Actor, type Principal, type Scope } from '../core/auth/principal.js';
import { hashSecret, newSecret, secretKind, secretPrefix } from '../core/auth/secrets.js';
import type { AuditService } from '../audit/audit.service.js';
import * as repo from './devices.repo.js';

/** Who a device is, for ingestion: its asset and the asset's place. */
export interface DeviceIdentity {
  id: string;
  assetId: string;
  assetType: string;
  adminUnit: string | null;
  agencyCode: string | null;
}

const MAX_CACHED = 50_000;
const TOUCH_EVERY_MS = 60_000;

function present(r: repo.DeviceRow): Device {
  return {
    id: r.id,
    assetId: r.asset_id,
    name: r.name,
    keyPrefix: r.key_prefix,
    disabled: r.disabled_at !== null,
    createdAt: r.created_at.toISOString(),
    rotatedAt: r.rotated_at?.toISOString() ?? null,
    lastSeenAt: r.last_seen_at?.toISOString() ?? null,
  };
}

function identityOf(r: repo.DeviceRow): DeviceIdentity {
  return {
    id: r.id,
    assetId: r.asset_id,
    assetType: r.asset_type,
    adminUnit: r.admin_unit_code,
    agencyCode: r.agency_code,
  };
}

interface Cached {
  identity: DeviceIdentity | null;
  until: number;
}

export class DevicesService {
  private readonly byHash = new Map<string, Cached>();
  private readonly byId = new Map<string, Cached>();
  private readonly touched = new Map<string, number>();
  private readonly loading = new Map<string, Promise<DeviceIdentity | null>>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly opts: { cacheTtlMs?: number } = {},
  ) {}

  async create(actor: Actor, scope: Scope, input: DeviceCreate): Promise<DeviceWithKey> {
    const place = await repo.findAssetPlace(this.db, input.assetId);
    if (!place || !scopeIncludes(scope, place.admin_unit_code, place.agency_code)) {
      throw ValidationError.field('assetId', 'no asset with this id in your scope');
    }
    const key = newSecret('device');
    const id = newId();
    const device = await this.db.transaction(async (tx) => {
      await repo.insertDevice(tx, {
        id,
        assetId: input.assetId,
        name: input.name,
        keyHash: hashSecret(key),
        keyPrefix: secretPrefix(key),
        at: this.clock.now(),
      });
      const d = present((await repo.findDevice(tx, id))!);
      await this.audit.record(tx, actor, {
        action: 'device.create',
        entityType: 'device',
        entityId: id,
        after: d,
      });
      return d;
    });
    return { ...device, key };
  }

  async list(
    scope: Scope,
    opts: { assetId?: string | undefined; after?: string | undefined; limit: number },
  ): Promise<Device[]> {
    return (await repo.listDevices(this.db, { scope, ...opts })).map(present);
  }

  async get(scope: Scope, id: string): Promise<Device> {
    return present(await this.visible(scope, id));
  }

  async update(actor: Actor, scope: Scope, id: string, patch: DevicePatch): Promise<Device> {
    const before = present(await this.visible(scope, id));
    const after = await this.db.transaction(async (tx) => {
      await repo.updateDevice(tx, id, patch, this.clock.now());
      const d = present((await repo.findDevice(tx, id))!);
      const action =
        patch.disabled === undefined || patch.disabled === before.disabled
          ? 'device.update'
          : patch.disabled
            ? 'device.disable'
            : 'device.enable';
      await this.audit.record(tx, actor, {
        action,
        entityType: 'device',
        entityId: id,
        before,
        after: d,
      });
      return d;
    });
    this.forget(id);
    return after;
  }

  /** A new key, shown once; the old one stops working at once. */
  async rotateKey(actor: Actor, scope: Scope, id: string): Promise<DeviceWithKey> {
    const before = present(await this.visible(scope, id));
    const key = newSecret('device');
    const after = await this.db.transaction(async (tx) => {
      await repo.replaceKey(
        tx,
        id,
        { hash: hashSecret(key), prefix: secretPrefix(key) },
        this.clock.now(),
      );
      const d = present((await repo.findDevice(tx, id))!);
      await this.audit.record(tx, actor, {
        action: 'device.rotate_key',
        entityType: 'device',
        entityId: id,
        before,
        after: d,
      });
      return d;
    });
    this.forget(id);
    return { ...after, key };
  }

  /**
   * For the MQTT broker: the device when the key is its current key and it is
   * enabled; null otherwise (unknown device, wrong key, disabled).
   */
  async authenticate(deviceId: string, key: string): Promise<DeviceIdentity | null> {
    if (secretKind(key) !== 'device' || key.length > 200) return null;
    const identity = await this.byKeyHash(hashSecret(key));
    if (!identity) return null;
    const a = Buffer.from(identity.id);
    const b = Buffer.from(deviceId);
    return a.length === b.length && timingSafeEqual(a, b) ? identity : null;
  }

  /** The enabled device holding the key with this hash (the `cod_` bearer handler). */
  async byKeyHash(hash: string): Promise<DeviceIdentity | null> {
    const hit = this.byHash.get(hash);
    if (hit && hit.until > Date.now()) return hit.identity;
    const row = await repo.findByKeyHash(this.db, hash);
    const identity = row ? identityOf(row) : null;
    // Only known keys are cached: random guesses must not fill memory.
    if (identity) this.remember(this.byHash, hash, identity);
    return identity;
  }

  /** The device if it exists and is enabled now (checked per submission, cached). */
  async current(deviceId: string): Promise<DeviceIdentity | null> {
    const hit = this.byId.get(deviceId);
    if (hit && hit.until > Date.now()) return hit.identity;
    // One read per device at a time: a burst of messages (an MQTT read holds
    // hundreds) must not turn a cache miss into hundreds of identical queries.
    const pending = this.loading.get(deviceId) ?? this.load(deviceId);
    // An old entry of an enabled device answers while the read runs; a device
    // disabled here was forgotten at once, and elsewhere it shows after this read.
    if (hit?.identity) {
      pending.catch(() => undefined);
      return hit.identity;
    }
    return pending;
  }

  /** Reads a device into the cache (the caller has checked that no read is under way). */
  private load(deviceId: string): Promise<DeviceIdentity | null> {
    const load: Promise<DeviceIdentity | null> = repo
      .findDevice(this.db, deviceId)
      .then((row) => {
        const identity = row && !row.disabled_at ? identityOf(row) : null;
        // Not when the device changed meanwhile (`forget` dropped this read).
        if (this.loading.get(deviceId) === load) this.remember(this.byId, deviceId, identity);
        return identity;
      })
      .finally(() => {
        if (this.loading.get(deviceId) === load) this.loading.delete(deviceId);
      });
    this.loading.set(deviceId, load);
    return load;
  }

  /** The caller a device key makes: no permissions, scoped to its asset's place. */
  principal(identity: DeviceIdentity): Principal {
    return {
      kind: 'device',
      id: identity.id,
      assetId: identity.assetId,
      scope: {
        all: false,
        units: identity.adminUnit ? [identity.adminUnit] : [],
        agencies: identity.agencyCode ? [identity.agencyCode] : [],
      },
    };
  }

  /** Notes that a device was heard from (written at most once a minute per device). */
  touch(deviceId: string): void {
    const now = this.clock.now();
    const last = this.touched.get(deviceId);
    if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
    if (this.touched.size > MAX_CACHED) this.touched.clear();
    this.touched.set(deviceId, now.getTime());
    repo.touchDevice(this.db, deviceId, now).catch(() => this.touched.delete(deviceId));
  }

  private async visible(scope: Scope, id: string): Promise<repo.DeviceRow> {
    const row = await repo.findDevice(this.db, id);
    if (!row || !scopeIncludes(scope, row.admin_unit_code, row.agency_code)) {
      throw new NotFoundError('Device', id);
    }
    return row;
  }

  private remember(map: Map<string, Cached>, key: string, identity: DeviceIdentity | null): void {
    if (map.size >= MAX_CACHED) map.clear();
    // 75–125% of the time to live, so that entries made together do not expire together.
    const ttl = (this.opts.cacheTtlMs ?? 10_000) * (0.75 + Math.random() * 0.5);
    map.set(key, { identity, until: Date.now() + ttl });
  }

  private forget(deviceId: string): void {
    this.byId.delete(deviceId);
    this.loading.delete(deviceId);
    for (const [hash, c] of this.byHash) if (c.identity?.id === deviceId) this.byHash.delete(hash);
  }
}
