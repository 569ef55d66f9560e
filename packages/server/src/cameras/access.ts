/**
 * Who may do what with one camera. Three layers, each of which can refuse:
 *  1. the role (or API key scope) must hold the permission of the right
 *     (cameras:live, cameras:snapshot, cameras:manage);
 *  2. the camera must lie in the caller's scope (admin units, agencies) —
 *     outside it the camera does not exist for the caller (404);
 *  3. grants: once any grant of a right names the camera or one of its groups
 *     (`ward:<code>`, `purpose:<p>`, or a name in its `groups`), that right on
 *     that camera is held only by the users and roles those grants name.
 *     Administrators are never locked out.
 * A refused live view or snapshot is an audit entry on the camera.
 */
import type { CameraRight } from '@cityops/contracts';
import type { Queryable } from '../core/db/db.js';
import { sql } from '../core/db/sql.js';
import { principalCan, type Actor, type Principal } from '../core/auth/principal.js';
import type { Permission } from '@cityops/contracts';

export const rightPermission: Record<CameraRight, Permission> = {
  live: 'cameras:live',
  snapshot: 'cameras:snapshot',
  manage: 'cameras:manage',
};

/** What the access check needs to know of a camera. */
export interface CameraRef {
  id: string;
  adminUnit: string | null;
  properties: Record<string, unknown>;
}

/** The groups a camera belongs to, as grant and filter keys. */
export function groupKeysOf(c: CameraRef): string[] {
  const keys: string[] = [];
  if (c.adminUnit) keys.push(`ward:${c.adminUnit}`);
  if (typeof c.properties.purpose === 'string') keys.push(`purpose:${c.properties.purpose}`);
  const groups = c.properties.groups;
  if (Array.isArray(groups)) for (const g of groups) if (typeof g === 'string') keys.push(g);
  return keys;
}

export type Decision =
  { allowed: true } | { allowed: false; because: 'permission' | 'grant'; detail: string };

/** Whether the principal holds the right on the camera (the camera is known to be in scope). */
export async function decide(
  db: Queryable,
  principal: Principal,
  camera: CameraRef,
  right: CameraRight,
): Promise<Decision> {
  const permission = rightPermission[right];
  if (!principalCan(principal, permission))
    return {
      allowed: false,
      because: 'permission',
      detail: `This needs the permission ${permission}.`,
    };
  if (principal.kind === 'user' && principal.role === 'administrator') return { allowed: true };
  const grants = await db.query<{ user_id: string | null; role: string | null }>(sql`
    SELECT user_id, role FROM camera_grants
    WHERE (camera_id = ${camera.id} OR group_name = ANY(${groupKeysOf(camera)}::text[]))
      AND ${right} = ANY(rights)`);
  if (grants.length === 0) return { allowed: true };
  const held = grants.some(
    (g) =>
      principal.kind === 'user' &&
      (g.user_id === principal.id || (g.role !== null && g.role === principal.role)),
  );
  return held
    ? { allowed: true }
    : {
        allowed: false,
        because: 'grant',
        detail: `Access to this camera (${right}) is restricted to the users and roles granted it.`,
      };
}

/** The audit action of a refused right. */
export function refusedAction(right: CameraRight): string {
  return `camera.${right}.denied`;
}

export type { Actor };
