/**
 * Who is calling, what they may do and which part of the province they see.
 * Scope is enforced in queries through scopeClause().
 */
import {
  apiKeyScopePermissions,
  rolePermissions,
  type ApiKeyScope,
  type Permission,
  type Role,
} from '@cityops/contracts';
import { sql, raw, type Sql } from '../db/sql.js';

/** Province-wide, or limited to admin units (with their descendants) and agencies. */
export type Scope = { all: true } | { all: false; units: string[]; agencies: string[] };

export type Principal =
  | {
      kind: 'user';
      id: string;
      email: string;
      name: string;
      role: Role;
      sessionId: string;
      scope: Scope;
    }
  | { kind: 'apikey'; id: string; name: string; keyScope: ApiKeyScope; scope: Scope }
  | { kind: 'device'; id: string; assetId: string; scope: Scope }
  /** A citizen of the citizen app (phone-verified, or anonymous with phone null); no staff permission. */
  | { kind: 'citizen'; id: string; phone: string | null; scope: Scope };

export function principalCan(p: Principal, permission: Permission): boolean {
  switch (p.kind) {
    case 'user':
      return rolePermissions[p.role].includes(permission);
    case 'apikey':
      return apiKeyScopePermissions[p.keyScope].includes(permission);
    case 'device':
    case 'citizen':
      return false;
  }
}

/** Who did a write, for the audit log. */
export interface Actor {
  type: 'user' | 'apikey' | 'device' | 'citizen' | 'system';
  id: string | null;
  label: string;
  ip?: string | undefined;
  requestId?: string | undefined;
}

export const systemActor: Actor = { type: 'system', id: null, label: 'system' };

export function actorOf(p: Principal, ip?: string, requestId?: string): Actor {
  switch (p.kind) {
    case 'user':
      return { type: 'user', id: p.id, label: p.email, ip, requestId };
    case 'apikey':
      return { type: 'apikey', id: p.id, label: p.name, ip, requestId };
    case 'device':
      return { type: 'device', id: p.id, label: `device ${p.id}`, ip, requestId };
    case 'citizen':
      return { type: 'citizen', id: p.id, label: `citizen ${p.id}`, ip, requestId };
  }
}

/**
 * A SQL condition that keeps only rows inside the scope. `unitColumn` and
 * `agencyColumn` are trusted column names (never user input).
 */
export function scopeClause(scope: Scope, unitColumn: string, agencyColumn?: string): Sql {
  if (scope.all) return sql`TRUE`;
  const byUnit = sql`${raw(unitColumn)} = ANY(${scope.units}::text[])`;
  if (!agencyColumn) return sql`(${byUnit})`;
  return sql`(${byUnit} OR ${raw(agencyColumn)} = ANY(${scope.agencies}::text[]))`;
}

/** Whether one admin unit is inside the scope (for checks on a single record). */
export function scopeIncludes(
  scope: Scope,
  unitCode: string | null,
  agencyCode?: string | null,
): boolean {
  if (scope.all) return true;
  if (unitCode && scope.units.includes(unitCode)) return true;
  return !!agencyCode && scope.agencies.includes(agencyCode);
}
