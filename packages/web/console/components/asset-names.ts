/**
 * Names and codes of assets by id, for lists that carry only the id (live
 * events, alerts). Looked up once each, a few at a time, and kept in a
 * bounded cache so that a screen left open for days does not grow.
 */
import { useEffect, useReducer } from 'react';
import type { Asset } from '@cityops/contracts';
import { api } from '../../ui/api';

export type AssetLabel = Pick<Asset, 'id' | 'code' | 'name' | 'type' | 'geometry' | 'adminUnit'>;

const MAX_ENTRIES = 3000;
const CONCURRENCY = 4;

/** null: the asset is gone or out of sight. */
const cache = new Map<string, AssetLabel | null>();
const queue: string[] = [];
const queued = new Set<string>();
const listeners = new Set<() => void>();
let running = 0;

function remember(id: string, label: AssetLabel | null): void {
  cache.delete(id);
  cache.set(id, label);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
}

/** Puts what another call already loaded into the cache. */
export function rememberAsset(a: AssetLabel): void {
  remember(a.id, {
    id: a.id,
    code: a.code,
    name: a.name,
    type: a.type,
    geometry: a.geometry,
    adminUnit: a.adminUnit,
  });
}

function pump(): void {
  while (running < CONCURRENCY && queue.length > 0) {
    const id = queue.shift()!;
    if (cache.has(id)) {
      queued.delete(id);
      continue;
    }
    running += 1;
    api.assets
      .get(id)
      .then(
        (a) => rememberAsset(a),
        () => remember(id, null),
      )
      .finally(() => {
        running -= 1;
        queued.delete(id);
        for (const l of listeners) l();
        pump();
      });
  }
}

/**
 * Most deployments have a few thousand assets or fewer: the first lookup
 * reads the first thousand in one call rather than one by one.
 */
let warmed: Promise<void> | null = null;
function warm(): Promise<void> {
  warmed ??= api.assets.list({ limit: 1000 }).then(
    (page) => {
      for (const a of page.items) if (!cache.has(a.id)) rememberAsset(a);
      for (const l of listeners) l();
    },
    () => undefined,
  );
  return warmed;
}

/** The asset's label when known; undefined while it loads (the lookup starts now). */
export function assetLabel(id: string): AssetLabel | null | undefined {
  if (cache.has(id)) return cache.get(id);
  if (!warmed) {
    void warm().then(() => {
      if (!cache.has(id)) enqueue(id);
    });
    return undefined;
  }
  enqueue(id);
  return undefined;
}

function enqueue(id: string): void {
  if (cache.has(id)) return;
  if (!queued.has(id)) {
    queued.add(id);
    queue.push(id);
    // Wait for the first thousand before asking one by one.
    void warm().then(pump);
  }
}

/** Loads one asset (from the cache when there). */
export async function loadAsset(id: string): Promise<AssetLabel | null> {
  const known = cache.get(id);
  if (known !== undefined) return known;
  try {
    const a = await api.assets.get(id);
    rememberAsset(a);
    return cache.get(id) ?? null;
  } catch {
    return null;
  }
}

/** Re-renders the component as labels arrive; read them with assetLabel(). */
export function useAssetLabels(): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    // Lookups finish in bursts: one render per burst is enough.
    let pending = false;
    const l = () => {
      if (pending) return;
      pending = true;
      window.setTimeout(() => {
        pending = false;
        bump();
      }, 100);
    };
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
}

/** Forgets every label (sign-out: the next user may see other assets). */
export function forgetAssets(): void {
  cache.clear();
  queue.length = 0;
  queued.clear();
  warmed = null;
}
