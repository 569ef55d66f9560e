/** Agencies: the organisations that handle work, tied to the admin units they serve. */
import { z } from 'zod';
import type { Db, Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import type { Clock } from '../core/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import type { Actor } from '../core/auth/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import { unknownUnitCodes } from '../geo/unit-tree.js';

export const agencyKinds = [
  'people_committee',
  'police',
  'traffic_police',
  'fire_police',
  'health',
  'education',
  'utilities',
  'environment',
  'transport',
  'other',
] as const;

export const agencySchema = z.object({
  code: z.string(),
  nameVi: z.string(),
  nameEn: z.string(),
  kind: z.enum(agencyKinds),
  parentCode: z.string().nullable(),
  units: z.array(z.string()),
});
export type Agency = z.infer<typeof agencySchema>;

export const agencyCreateSchema = z
  .object({
    code: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'letters, digits, ".", "-" or "_", at most 64'),
    nameVi: z.string().trim().min(1).max(300),
    nameEn: z.string().trim().min(1).max(300),
    kind: z.enum(agencyKinds).default('other'),
    parentCode: z.string().max(64).nullable().default(null),
    units: z.array(z.string().min(1).max(64)).max(1000).default([]),
  })
  .strict();
export type AgencyCreate = z.infer<typeof agencyCreateSchema>;
export const agencyPatchSchema = agencyCreateSchema.omit({ code: true }).partial().strict();
export type AgencyPatch = z.infer<typeof agencyPatchSchema>;

interface AgencyRow {
  code: string;
  name_vi: string;
  name_en: string;
  kind: Agency['kind'];
  parent_code: string | null;
  units: string[];
}

const select = sql`
  SELECT a.code, a.name_vi, a.name_en, a.kind, a.parent_code,
    COALESCE((SELECT array_agg(unit_code ORDER BY unit_code) FROM agency_units WHERE agency_code = a.code), '{}') AS units
  FROM agencies a`;

function present(r: AgencyRow): Agency {
  return {
    code: r.code,
    nameVi: r.name_vi,
    nameEn: r.name_en,
    kind: r.kind,
    parentCode: r.parent_code,
    units: r.units,
  };
}

async function find(db: Queryable, code: string): Promise<Agency | undefined> {
  const [row] = await db.query<AgencyRow>(sql`${select} WHERE a.code = ${code}`);
  return row && present(row);
}

export class AgenciesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private async checkRefs(
    tx: Queryable,
    input: { parentCode?: string | null | undefined; units?: string[] | undefined },
  ) {
    if (input.parentCode && !(await find(tx, input.parentCode))) {
      throw ValidationError.field('parentCode', `no agency has the code ${input.parentCode}`);
    }
    const unknown = await unknownUnitCodes(tx, input.units ?? []);
    if (unknown.length) {
      throw new ValidationError(
        unknown.map((c) => ({
          path: `units.${input.units!.indexOf(c)}`,
          message: `no admin unit has the code ${c}`,
        })),
      );
    }
  }

  async create(actor: Actor, input: AgencyCreate): Promise<Agency> {
    return this.db.transaction(async (tx) => {
      if (await find(tx, input.code)) {
        throw new ConflictError(`An agency with the code ${input.code} exists.`, [
          { path: 'code', message: 'already in use' },
        ]);
      }
      await this.checkRefs(tx, input);
      await tx.query(sql`
        INSERT INTO agencies (code, name_vi, name_en, kind, parent_code)
        VALUES (${input.code}, ${input.nameVi}, ${input.nameEn}, ${input.kind}, ${input.parentCode})`);
      const units = [...new Set(input.units)];
      if (units.length) {
        await tx.query(
          sql`INSERT INTO agency_units (agency_code, unit_code) SELECT ${input.code}, unnest(${units}::text[])`,
        );
      }
      const after = (await find(tx, input.code))!;
      await this.audit.record(tx, actor, {
        action: 'agency.create',
        entityType: 'agency',
        entityId: input.code,
        after,
      });
      return after;
    });
  }

  async update(actor: Actor, code: string, patch: AgencyPatch): Promise<Agency> {
    return this.db.transaction(async (tx) => {
      const before = await find(tx, code);
      if (!before) throw new NotFoundError('Agency', code);
      await this.checkRefs(tx, patch);
      await tx.query(sql`
        UPDATE agencies SET
          name_vi = COALESCE(${patch.nameVi ?? null}, name_vi),
          name_en = COALESCE(${patch.nameEn ?? null}, name_en),
          kind = COALESCE(${patch.kind ?? null}, kind),
          parent_code = CASE WHEN ${patch.parentCode !== undefined} THEN ${patch.parentCode ?? null} ELSE parent_code END,
          updated_at = ${this.clock.now()}
        WHERE code = ${code}`);
      if (patch.units) {
        await tx.query(sql`DELETE FROM agency_units WHERE agency_code = ${code}`);
        const units = [...new Set(patch.units)];
        if (units.length) {
          await tx.query(
            sql`INSERT INTO agency_units (agency_code, unit_code) SELECT ${code}, unnest(${units}::text[])`,
          );
        }
      }
      const after = (await find(tx, code))!;
      await this.audit.record(tx, actor, {
        action: 'agency.update',
        entityType: 'agency',
        entityId: code,
        before,
        after,
      });
      return after;
    });
  }

  async get(code: string): Promise<Agency> {
    const a = await find(this.db, code);
    if (!a) throw new NotFoundError('Agency', code);
    return a;
  }

  async list(opts: {
    after?: string | undefined;
    limit: number;
    unit?: string | undefined;
  }): Promise<Agency[]> {
    const rows = await this.db.query<AgencyRow>(sql`${select}
      WHERE (${opts.after ?? null}::text IS NULL OR a.code > ${opts.after ?? null})
        AND (${opts.unit ?? null}::text IS NULL OR EXISTS (SELECT 1 FROM agency_units au WHERE au.agency_code = a.code AND au.unit_code = ${opts.unit ?? null}))
      ORDER BY a.code LIMIT ${opts.limit}`);
    return rows.map(present);
  }
}
