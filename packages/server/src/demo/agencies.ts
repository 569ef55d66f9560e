/**
 * The agencies of the demo city: the provincial People's Committee and its
 * departments, the IOC, the police with its traffic and fire-and-rescue
 * divisions, the utilities, and the People's Committee of every unit of the
 * four urban areas.
 */
import type { AgencyCreate } from '../people/agencies.service.js';
import { inSentence, type DemoUnit, type UnitMap } from './units.js';

/** The province's code among the admin units. */
export const PROVINCE_UNIT = '19';

export const AGENCY = {
  province: 'UBND-TN',
  science: 'SKHCN-TN',
  ioc: 'IOC-TN',
  police: 'CA-TN',
  trafficPolice: 'CSGT-TN',
  firePolice: 'PCCC-TN',
  health: 'SYT-TN',
  education: 'SGDDT-TN',
  water: 'NUOC-TN',
  power: 'DIEN-TN',
  urenco: 'URENCO-TN',
} as const;

/** "19-phuong-gia-sang" → "UBND-PHUONG-GIA-SANG" */
export function committeeCode(unitCode: string): string {
  return `UBND-${unitCode.replace(/^\d+-/, '').toUpperCase()}`.slice(0, 64);
}

/** Whether the demo gives the unit its own People's Committee agency. */
export function hasCommittee(unit: DemoUnit): boolean {
  return unit.area !== null;
}

const agency = (
  code: string,
  kind: AgencyCreate['kind'],
  nameVi: string,
  nameEn: string,
  parentCode: string | null,
  units: string[],
): AgencyCreate => ({ code, kind, nameVi, nameEn, parentCode, units });

/** Parents come before their children. */
export function demoAgencies(map: UnitMap): AgencyCreate[] {
  const province = [PROVINCE_UNIT];
  const urban = map.units.filter((u) => u.area !== null).map((u) => u.code);
  const formerThaiNguyen = map.units
    .filter((u) => u.area !== null && u.area !== 'bac-kan')
    .map((u) => u.code);
  const committees = map.units
    .filter(hasCommittee)
    .map((u) =>
      agency(
        committeeCode(u.code),
        'people_committee',
        `Ủy ban nhân dân ${inSentence(u.nameVi)}`,
        `People's Committee of ${u.nameEn}`,
        AGENCY.province,
        [u.code],
      ),
    );
  return [
    agency(
      AGENCY.province,
      'people_committee',
      'Ủy ban nhân dân tỉnh Thái Nguyên',
      "Thai Nguyen Provincial People's Committee",
      null,
      province,
    ),
    agency(
      AGENCY.science,
      'other',
      'Sở Khoa học và Công nghệ tỉnh Thái Nguyên',
      'Thai Nguyen Department of Science and Technology',
      AGENCY.province,
      province,
    ),
    agency(
      AGENCY.ioc,
      'other',
      'Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Thái Nguyên (IOC)',
      'Thai Nguyen Intelligent Operations Center (IOC)',
      AGENCY.science,
      province,
    ),
    agency(
      AGENCY.police,
      'police',
      'Công an tỉnh Thái Nguyên',
      'Thai Nguyen Provincial Police',
      null,
      province,
    ),
    agency(
      AGENCY.trafficPolice,
      'traffic_police',
      'Phòng Cảnh sát giao thông – Công an tỉnh Thái Nguyên',
      'Traffic Police Division, Thai Nguyen Provincial Police',
      AGENCY.police,
      province,
    ),
    agency(
      AGENCY.firePolice,
      'fire_police',
      'Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ – Công an tỉnh Thái Nguyên',
      'Fire Prevention, Fighting and Rescue Police Division, Thai Nguyen Provincial Police',
      AGENCY.police,
      province,
    ),
    agency(
      AGENCY.health,
      'health',
      'Sở Y tế tỉnh Thái Nguyên',
      'Thai Nguyen Department of Health',
      AGENCY.province,
      province,
    ),
    agency(
      AGENCY.education,
      'education',
      'Sở Giáo dục và Đào tạo tỉnh Thái Nguyên',
      'Thai Nguyen Department of Education and Training',
      AGENCY.province,
      province,
    ),
    agency(
      AGENCY.water,
      'utilities',
      'Công ty Cổ phần Nước sạch Thái Nguyên',
      'Thai Nguyen Clean Water JSC',
      null,
      formerThaiNguyen,
    ),
    agency(
      AGENCY.power,
      'utilities',
      'Công ty Điện lực Thái Nguyên (EVN)',
      'Thai Nguyen Power Company (EVN)',
      null,
      province,
    ),
    agency(
      AGENCY.urenco,
      'environment',
      'Công ty Cổ phần Môi trường và Dịch vụ đô thị Thái Nguyên (URENCO)',
      'Thai Nguyen Urban Environment and Services JSC (URENCO)',
      null,
      urban,
    ),
    ...committees,
  ];
}
