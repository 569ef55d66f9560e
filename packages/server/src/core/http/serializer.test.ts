import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileSerializer } from './serializer.js';

describe('compileSerializer', () => {
  const schema = z.object({
    id: z.uuid(),
    name: z.string(),
    parent: z.string().nullable(),
    kind: z.enum(['a', 'b']),
    data: z.unknown(),
    props: z.record(z.string(), z.unknown()),
    items: z.array(z.object({ n: z.number() })),
  });
  const serialize = compileSerializer({ schema });

  it('writes exactly what the schema declares', () => {
    const out = JSON.parse(
      serialize({
        id: '0190a0a0-0000-7000-8000-000000000001',
        name: 'Camera',
        parent: null,
        kind: 'a',
        data: { anything: [1, 'x'] },
        props: { purpose: 'traffic' },
        items: [{ n: 1, secret: 'drop me' }],
        passwordHash: 'scrypt$…',
      }),
    ) as Record<string, unknown>;
    expect(out).toEqual({
      id: '0190a0a0-0000-7000-8000-000000000001',
      name: 'Camera',
      parent: null,
      kind: 'a',
      data: { anything: [1, 'x'] },
      props: { purpose: 'traffic' },
      items: [{ n: 1 }],
    });
  });

  it('falls back to JSON for routes without a zod schema', () => {
    expect(compileSerializer({ schema: { type: 'object' } })({ a: 1 })).toBe('{"a":1}');
  });
});
