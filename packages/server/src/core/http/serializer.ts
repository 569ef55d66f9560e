/**
 * Response serialisation from the routes' zod schemas, compiled once per route
 * (at its first answer) with fast-json-stringify: only the properties a schema declares are written
 * (a field a presenter forgot to drop never leaks), at a fraction of the cost
 * of validating every response with zod (~17 ms for a page of 1,000 assets).
 */
import fastJson from 'fast-json-stringify';
import { z } from 'zod';

type Serializer = (data: unknown) => string;

function isZod(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && '_zod' in schema;
}

/**
 * A route's serializer, compiled at its first answer: CityOps declares ~180
 * response schemas, and compiling them all (zod to JSON Schema, then
 * fast-json-stringify's generated code) made every start slower and left an idle
 * server holding code for routes nobody had called. compileAllSerializers()
 * compiles those not yet used, so that a test still finds a schema that does not
 * compile without calling every route.
 */
export function compileSerializer({ schema }: { schema: unknown }): Serializer {
  if (!isZod(schema)) return (data) => JSON.stringify(data);
  let compiled: Serializer | undefined;
  const compile = (): Serializer => {
    pending.delete(compile);
    return (compiled ??= compileNow(schema));
  };
  pending.add(compile);
  return (data) => (compiled ?? compile())(data);
}

/** Serializers made but not yet compiled. */
const pending = new Set<() => Serializer>();

/** Compiles every serializer not compiled yet; returns how many there were. */
export function compileAllSerializers(): number {
  const all = [...pending];
  for (const compile of all) compile();
  return all.length;
}

function compileNow(schema: z.ZodType): Serializer {
  const json = z.toJSONSchema(schema, {
    io: 'output',
    unrepresentable: 'any',
    target: 'draft-7',
  }) as Record<string, unknown>;
  delete json.$schema;
  return fastJson(json as unknown as Parameters<typeof fastJson>[0]);
}
