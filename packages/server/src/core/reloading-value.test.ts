import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReloadingValue } from './reloading-value.js';

/** A load the test finishes by hand, counting how often it was started. */
function manualLoad() {
  const pending: Array<{ resolve(v: number): void; reject(e: Error): void }> = [];
  const load = () => new Promise<number>((resolve, reject) => pending.push({ resolve, reject }));
  return { load, pending };
}

describe('ReloadingValue', () => {
  afterEach(() => vi.useRealTimers());

  it('loads once however many ask at once', async () => {
    const { load, pending } = manualLoad();
    const v = new ReloadingValue(load, 1000);
    const asks = [v.get(), v.get(), v.get()];
    expect(pending).toHaveLength(1);
    pending[0]!.resolve(7);
    expect(await Promise.all(asks)).toEqual([7, 7, 7]);
    expect(await v.get()).toBe(7);
    expect(pending).toHaveLength(1);
  });

  it('answers the old value while a new one loads past its time', async () => {
    vi.useFakeTimers();
    const { load, pending } = manualLoad();
    const v = new ReloadingValue(load, 1000);
    const first = v.get();
    pending[0]!.resolve(1);
    expect(await first).toBe(1);
    vi.advanceTimersByTime(1001);
    expect(await v.get()).toBe(1);
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(2);
    await Promise.resolve();
    await Promise.resolve();
    expect(await v.get()).toBe(2);
  });

  it('drops the value on invalidate, and keeps no load that was under way', async () => {
    const { load, pending } = manualLoad();
    const v = new ReloadingValue(load, 1000);
    const before = v.get();
    v.invalidate();
    pending[0]!.resolve(1);
    expect(await before).toBe(1);
    const after = v.get();
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(2);
    expect(await after).toBe(2);
  });

  it('lets the next caller retry a load that failed', async () => {
    const { load, pending } = manualLoad();
    const v = new ReloadingValue(load, 1000);
    const failed = v.get();
    pending[0]!.reject(new Error('database away'));
    await expect(failed).rejects.toThrow('database away');
    const again = v.get();
    expect(pending).toHaveLength(2);
    pending[1]!.resolve(3);
    expect(await again).toBe(3);
  });
});
