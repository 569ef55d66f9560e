/**
 * The demo's users, one for each role the administrator does not already
 * cover, plus an operator who sees a single ward. Passwords are not part of
 * the plan: the seed draws them at random and shows them once.
 */
import type { Role } from '@cityops/contracts';
import { committeeCode } from './agencies.js';
import { inSentence, type UnitMap } from './units.js';
import { URBAN_AREAS } from './areas.js';

export const DEMO_EMAIL_DOMAIN = 'demo.cityops.local';
/** The last demo user created: once it exists, the demo is complete. */
export const DEMO_MARKER_EMAIL = `viewer@${DEMO_EMAIL_DOMAIN}`;

export interface DemoUserPlan {
  email: string;
  name: string;
  role: Role;
  units: string[];
  agencies: string[];
  /** What the user sees, for the printed list. */
  scope: string;
}

/** The ward the scoped users work in: Phan Đình Phùng, else the ward at the centre of Thái Nguyên. */
export function demoWard(map: UnitMap) {
  const ward =
    map.get('19-phuong-phan-dinh-phung') ??
    map.unitAt(URBAN_AREAS[0]!.centre) ??
    map.units.find((u) => u.area === 'thai-nguyen' && u.isWard);
  if (!ward) throw new Error('the demo needs a ward of Thái Nguyên among the admin units');
  return ward;
}

/** The last one is the marker (DEMO_MARKER_EMAIL). */
export function demoUsers(map: UnitMap): DemoUserPlan[] {
  const ward = demoWard(map);
  const wardName = inSentence(ward.nameVi);
  const email = (local: string) => `${local}@${DEMO_EMAIL_DOMAIN}`;
  return [
    {
      email: email('supervisor'),
      name: 'Trưởng ca IOC (demo)',
      role: 'supervisor',
      units: [],
      agencies: [],
      scope: 'province',
    },
    {
      email: email('operator'),
      name: 'Điều hành viên IOC (demo)',
      role: 'operator',
      units: [],
      agencies: [],
      scope: 'province',
    },
    {
      email: email('ward.operator'),
      name: `Điều hành viên ${wardName} (demo)`,
      role: 'operator',
      units: [ward.code],
      agencies: [],
      scope: `unit ${ward.code}`,
    },
    {
      email: email('officer'),
      name: `Cán bộ UBND ${wardName} (demo)`,
      role: 'agency_officer',
      units: [],
      agencies: [committeeCode(ward.code)],
      scope: `agency ${committeeCode(ward.code)}`,
    },
    {
      email: email('viewer'),
      name: 'Người xem (demo)',
      role: 'viewer',
      units: [],
      agencies: [],
      scope: 'province',
    },
  ];
}
