/**
 * Who sees which report, and who sees the reporter. Staff read reports of
 * their admin units (agency officers: of their agencies, primary or
 * coordinating); API keys read all. The reporter's identity is for IOC staff
 * (operators, supervisors, administrators); an agency officer sees it only
 * when staff shared it with the agency; nobody else ever.
 */
import type { Role } from '@cityops/contracts';
import { principalCan, type Principal } from '../core/auth/principal.js';
import { sql, type Sql } from '../core/db/sql.js';
import type { WorkflowActor } from './workflow.js';

export const IOC_ROLES: readonly Role[] = ['operator', 'supervisor', 'administrator'];

const byAgencies = (agencies: string[]) => sql`(r.primary_agency = ANY(${agencies}::text[])
  OR EXISTS (SELECT 1 FROM report_coordinators rc WHERE rc.report_id = r.id
    AND rc.agency_code = ANY(${agencies}::text[])))`;

/** The SQL condition on `reports r` of what a staff caller or API key may read. */
export function readClause(p: Principal): Sql {
  switch (p.kind) {
    case 'apikey':
      return p.scope.all ? sql`TRUE` : sql`FALSE`;
    case 'user': {
      if (p.scope.all) return sql`TRUE`;
      if (p.role === 'agency_officer') return byAgencies(p.scope.agencies);
      return sql`(r.admin_unit = ANY(${p.scope.units}::text[]) OR ${byAgencies(p.scope.agencies)})`;
    }
    case 'citizen':
    case 'device':
      return sql`FALSE`;
  }
}

/**
 * What a citizen follows: their own reports, the ones their reports were
 * merged into, and the ones they chose to follow.
 */
export function citizenClause(citizenId: string): Sql {
  return sql`(r.citizen_id = ${citizenId} OR EXISTS (SELECT 1 FROM reports d
    WHERE d.merged_into = r.id AND d.citizen_id = ${citizenId})
    OR EXISTS (SELECT 1 FROM report_followers f
      WHERE f.report_id = r.id AND f.citizen_id = ${citizenId}))`;
}

/** Whether the caller may see who sent a report (which it can already read). */
export function mayReadReporter(
  p: Principal,
  r: { share_reporter: boolean; primary_agency: string | null; coordinators: string[] },
): boolean {
  if (p.kind !== 'user') return false;
  if (IOC_ROLES.includes(p.role)) return true;
  const scope = p.scope;
  if (p.role !== 'agency_officer' || !r.share_reporter || scope.all) return false;
  return [r.primary_agency, ...r.coordinators].some((a) => !!a && scope.agencies.includes(a));
}

/**
 * What a caller who can read a report may do on it beside the workflow's
 * actions: read the reporter, and (IOC staff who act on reports) add an
 * internal note or share the reporter with the handling agency. The detail
 * answers it for the back office; the routes check the same.
 */
export function editsOf(
  p: Principal,
  r: { share_reporter: boolean; primary_agency: string | null; coordinators: string[] },
): { readReporter: boolean; addInternalNote: boolean; shareReporter: boolean } {
  const ioc = p.kind === 'user' && IOC_ROLES.includes(p.role) && principalCan(p, 'reports:act');
  return { readReporter: mayReadReporter(p, r), addInternalNote: ioc, shareReporter: ioc };
}

/** The workflow's view of a caller. */
export function workflowActorOf(p: Principal): WorkflowActor {
  switch (p.kind) {
    case 'user':
      return { kind: 'staff', role: p.role, scope: p.scope };
    case 'citizen':
      return { kind: 'citizen', id: p.id };
    case 'apikey':
    case 'device':
      return { kind: 'integration' };
  }
}
