import { describe, expect, it } from 'vitest';
import { lazyModule } from './lazy-module.js';

describe('lazyModule', () => {
  it('loads once, on first use, for every caller', async () => {
    let loads = 0;
    const get = lazyModule(() => Promise.resolve({ n: ++loads }));
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(loads).toBe(1);
  });

  it('tries again after a failed load', async () => {
    let calls = 0;
    const get = lazyModule(() => {
      calls++;
      return calls === 1
        ? Promise.reject(new Error('native part missing'))
        : Promise.resolve('loaded');
    });
    await expect(get()).rejects.toThrow('native part missing');
    expect(await get()).toBe('loaded');
    expect(calls).toBe(2);
  });
});
