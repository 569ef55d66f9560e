/** Storage of report categories and their routing to agencies. */
import type { CategoryAttribute, CategoryRoute, ReportCategoryCreate } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';

export interface CategoryRow {
  code: string;
  name_vi: string;
  name_en: string;
  description_vi: string;
  description_en: string;
  group_name: string;
  keywords: string[];
  deadline_class: 'urgent' | 'on_the_spot' | 'normal';
  routing: 'unit_committee' | 'agency';
  default_agency_code: string | null;
  open311_type: 'realtime' | 'batch';
  attributes: CategoryAttribute[];
  active: boolean;
  sort_order: number;
}

const columns = sql`code, name_vi, name_en, description_vi, description_en, group_name, keywords,
  deadline_class, routing, default_agency_code, open311_type, attributes, active, sort_order`;

export function listCategories(db: Queryable): Promise<CategoryRow[]> {
  return db.query<CategoryRow>(
    sql`SELECT ${columns} FROM report_categories ORDER BY sort_order, code`,
  );
}

export async function findCategory(db: Queryable, code: string): Promise<CategoryRow | undefined> {
  const [row] = await db.query<CategoryRow>(
    sql`SELECT ${columns} FROM report_categories WHERE code = ${code}`,
  );
  return row;
}

export async function insertCategory(
  db: Queryable,
  c: ReportCategoryCreate,
  now: Date,
): Promise<CategoryRow> {
  const [row] = await db.query<CategoryRow>(sql`
    INSERT INTO report_categories (code, name_vi, name_en, description_vi, description_en,
      group_name, keywords, deadline_class, routing, default_agency_code, open311_type,
      attributes, active, sort_order, created_at, updated_at)
    VALUES (${c.code}, ${c.nameVi}, ${c.nameEn}, ${c.descriptionVi}, ${c.descriptionEn},
      ${c.group}, ${c.keywords}::text[], ${c.deadlineClass}, ${c.routing}, ${c.defaultAgencyCode},
      ${c.open311Type}, ${JSON.stringify(c.attributes)}::jsonb, ${c.active}, ${c.sortOrder},
      ${now}, ${now})
    RETURNING ${columns}`);
  return row!;
}

export async function updateCategory(
  db: Queryable,
  c: Omit<ReportCategoryCreate, 'code'> & { code: string },
  now: Date,
): Promise<CategoryRow> {
  const [row] = await db.query<CategoryRow>(sql`
    UPDATE report_categories SET name_vi = ${c.nameVi}, name_en = ${c.nameEn},
      description_vi = ${c.descriptionVi}, description_en = ${c.descriptionEn},
      group_name = ${c.group}, keywords = ${c.keywords}::text[], deadline_class = ${c.deadlineClass},
      routing = ${c.routing}, default_agency_code = ${c.defaultAgencyCode},
      open311_type = ${c.open311Type}, attributes = ${JSON.stringify(c.attributes)}::jsonb,
      active = ${c.active}, sort_order = ${c.sortOrder}, updated_at = ${now}
    WHERE code = ${c.code}
    RETURNING ${columns}`);
  return row!;
}

export function listRoutes(db: Queryable, code: string): Promise<CategoryRoute[]> {
  return db.query<CategoryRoute>(sql`
    SELECT unit_code AS "unitCode", agency_code AS "agencyCode" FROM report_category_routes
    WHERE category_code = ${code} ORDER BY unit_code`);
}

export async function replaceRoutes(
  db: Queryable,
  code: string,
  routes: CategoryRoute[],
): Promise<void> {
  await db.query(sql`DELETE FROM report_category_routes WHERE category_code = ${code}`);
  if (routes.length === 0) return;
  await db.query(sql`
    INSERT INTO report_category_routes (category_code, unit_code, agency_code)
    SELECT ${code}, u, a FROM unnest(${routes.map((r) => r.unitCode)}::text[], ${routes.map((r) => r.agencyCode)}::text[]) AS t(u, a)`);
}

/** Every route of every category (small: cached by the categories service). */
export function allRoutes(db: Queryable): Promise<Array<CategoryRoute & { categoryCode: string }>> {
  return db.query(sql`
    SELECT category_code AS "categoryCode", unit_code AS "unitCode", agency_code AS "agencyCode"
    FROM report_category_routes`);
}
