/**
 * The urban areas of the demo city and their streets and junctions. Street
 * names are real names of Thái Nguyên, Sông Công, Phổ Yên and Bắc Kạn; the
 * positions are approximate (good enough for a demo map, not for navigation).
 * Each area is a former city whose current units carry, in their
 * vnProvincesWards reference, the former district's 5-digit prefix.
 */
import type { LngLat } from '@cityops/contracts';
import { lngLat } from './geometry.js';

export const areaKeys = ['thai-nguyen', 'song-cong', 'pho-yen', 'bac-kan'] as const;
export type AreaKey = (typeof areaKeys)[number];

export interface UrbanArea {
  key: AreaKey;
  nameVi: string;
  nameEn: string;
  /** First 5 digits of the vnProvincesWards code of the current units that came from it. */
  formerDistrictRef: string;
  /** Official code of the former city (a district-level unit valid until 2025-06-30). */
  formerDistrictCode: string;
  centre: LngLat;
  /** Standard deviation, in metres, of the spread of cameras around the centre. */
  spread: number;
  /** Cameras of the 409 that the area holds (Thái Nguyên takes what the others leave). */
  cameras: number;
  environmentCameras: number;
}

export const URBAN_AREAS: readonly UrbanArea[] = [
  {
    key: 'thai-nguyen',
    nameVi: 'Thái Nguyên',
    nameEn: 'Thai Nguyen',
    formerDistrictRef: '21501',
    formerDistrictCode: '164',
    centre: lngLat(105.84, 21.59),
    spread: 1500,
    cameras: 0,
    environmentCameras: 12,
  },
  {
    key: 'song-cong',
    nameVi: 'Sông Công',
    nameEn: 'Song Cong',
    formerDistrictRef: '21503',
    formerDistrictCode: '165',
    centre: lngLat(105.85, 21.48),
    spread: 1300,
    cameras: 50,
    environmentCameras: 4,
  },
  {
    key: 'pho-yen',
    nameVi: 'Phổ Yên',
    nameEn: 'Pho Yen',
    formerDistrictRef: '21517',
    formerDistrictCode: '172',
    centre: lngLat(105.87, 21.41),
    spread: 1800,
    cameras: 65,
    // The seed article: Phổ Yên has cameras watching its trees and green areas.
    environmentCameras: 10,
  },
  {
    key: 'bac-kan',
    nameVi: 'Bắc Kạn',
    nameEn: 'Bac Kan',
    formerDistrictRef: '20701',
    formerDistrictCode: '058',
    centre: lngLat(105.83, 22.15),
    spread: 1200,
    cameras: 38,
    environmentCameras: 3,
  },
];

/** Communes named after a former rural district, whose centres get a few cameras each. */
export const RURAL_CENTRES: readonly string[] = [
  '19-xa-dai-tu',
  '19-xa-dinh-hoa',
  '19-xa-phu-luong',
  '19-xa-dong-hy',
  '19-xa-vo-nhai',
  '19-xa-phu-binh',
  '19-xa-cho-moi',
  '19-xa-cho-don',
  '19-xa-cho-ra',
  '19-xa-ngan-son',
  '19-xa-na-ri',
  '19-xa-bach-thong',
];
export const CAMERAS_PER_RURAL_CENTRE = 3;
export const TOTAL_CAMERAS = 409;

export interface Street {
  area: AreaKey;
  name: string;
  /** Approximate course, lon/lat. */
  line: LngLat[];
}

const line = (...points: Array<[number, number]>) => points.map(([lon, lat]) => lngLat(lon, lat));

export const STREETS: readonly Street[] = [
  {
    area: 'thai-nguyen',
    name: 'Hoàng Văn Thụ',
    line: line([105.8318, 21.6052], [105.8385, 21.5975], [105.844, 21.5893]),
  },
  {
    area: 'thai-nguyen',
    name: 'Dương Tự Minh',
    line: line([105.8318, 21.6052], [105.8178, 21.624], [105.812, 21.635]),
  },
  {
    area: 'thai-nguyen',
    name: 'Cách Mạng Tháng Tám',
    line: line([105.844, 21.5893], [105.8455, 21.58], [105.85, 21.566], [105.8585, 21.5472]),
  },
  {
    area: 'thai-nguyen',
    name: 'Lương Ngọc Quyến',
    line: line([105.829, 21.596], [105.8418, 21.5928], [105.8505, 21.5957], [105.856, 21.5978]),
  },
  {
    area: 'thai-nguyen',
    name: 'Quang Trung',
    line: line([105.8318, 21.6052], [105.82, 21.594], [105.8088, 21.5907]),
  },
  {
    area: 'thai-nguyen',
    name: 'Z115',
    line: line([105.8088, 21.5907], [105.7955, 21.5935], [105.785, 21.596]),
  },
  {
    area: 'thai-nguyen',
    name: 'Thống Nhất',
    line: line([105.8385, 21.5845], [105.8235, 21.5815], [105.812, 21.572]),
  },
  {
    area: 'thai-nguyen',
    name: 'Phan Đình Phùng',
    line: line([105.844, 21.5893], [105.8475, 21.5878], [105.855, 21.584], [105.862, 21.579]),
  },
  {
    area: 'thai-nguyen',
    name: 'Bắc Kạn',
    line: line([105.8385, 21.5975], [105.845, 21.602], [105.85, 21.606]),
  },
  { area: 'thai-nguyen', name: 'Việt Bắc', line: line([105.8455, 21.58], [105.836, 21.576]) },
  { area: 'thai-nguyen', name: 'Minh Cầu', line: line([105.8475, 21.5878], [105.8505, 21.5957]) },
  { area: 'thai-nguyen', name: 'Túc Duyên', line: line([105.8505, 21.5957], [105.8535, 21.592]) },
  { area: 'thai-nguyen', name: 'Bến Oánh', line: line([105.8535, 21.592], [105.857, 21.586]) },
  { area: 'thai-nguyen', name: 'Đội Cấn', line: line([105.8418, 21.5928], [105.838, 21.588]) },
  {
    area: 'thai-nguyen',
    name: 'Tố Hữu',
    line: line([105.7955, 21.5935], [105.805, 21.578], [105.812, 21.572]),
  },
  {
    area: 'thai-nguyen',
    name: '3/2',
    line: line([105.8585, 21.5472], [105.852, 21.556], [105.845, 21.56]),
  },
  { area: 'thai-nguyen', name: 'Quốc lộ 1B', line: line([105.856, 21.5978], [105.872, 21.603]) },
  {
    area: 'song-cong',
    name: 'Cách Mạng Tháng Mười',
    line: line([105.838, 21.47], [105.846, 21.476], [105.8505, 21.483], [105.856, 21.492]),
  },
  { area: 'song-cong', name: 'Thắng Lợi', line: line([105.8505, 21.483], [105.861, 21.481]) },
  { area: 'song-cong', name: 'Thống Nhất', line: line([105.846, 21.476], [105.856, 21.4745]) },
  {
    area: 'pho-yen',
    name: 'Quốc lộ 3',
    line: line([105.858, 21.44], [105.865, 21.423], [105.872, 21.412], [105.884, 21.388]),
  },
  {
    area: 'pho-yen',
    name: 'Đường tỉnh 261',
    line: line([105.872, 21.412], [105.86, 21.405], [105.845, 21.4]),
  },
  { area: 'pho-yen', name: 'Đường tỉnh 266', line: line([105.865, 21.423], [105.88, 21.43]) },
  {
    area: 'bac-kan',
    name: 'Trường Chinh',
    line: line([105.84, 22.132], [105.831, 22.148], [105.836, 22.154], [105.84, 22.165]),
  },
  { area: 'bac-kan', name: 'Nguyễn Văn Tố', line: line([105.831, 22.148], [105.822, 22.152]) },
  { area: 'bac-kan', name: 'Kon Tum', line: line([105.836, 22.154], [105.829, 22.158]) },
];

/** "đường Hoàng Văn Thụ", but "Quốc lộ 3" and "Đường tỉnh 261" as they are. */
export function roadName(street: string): string {
  return /^(Quốc lộ|Đường tỉnh)/u.test(street) ? street : `đường ${street}`;
}

export interface Junction {
  area: AreaKey;
  /** "ngã tư Hoàng Văn Thụ – Lương Ngọc Quyến", "ngã ba Mỏ Bạch"… (lower case: used inside names). */
  label: string;
  at: LngLat;
  trafficCameras: number;
  signal?: 'remote' | 'local';
  /** One of the 3 licence-plate cameras. */
  anpr?: string;
}

const j = (
  area: AreaKey,
  label: string,
  lon: number,
  lat: number,
  trafficCameras: number,
  extra: Pick<Junction, 'signal' | 'anpr'> = {},
): Junction => ({ area, label, at: lngLat(lon, lat), trafficCameras, ...extra });

export const JUNCTIONS: readonly Junction[] = [
  j('thai-nguyen', 'ngã tư Hoàng Văn Thụ – Lương Ngọc Quyến', 105.8418, 21.5928, 4, {
    signal: 'remote',
    anpr: 'hướng vào trung tâm',
  }),
  j('thai-nguyen', 'ngã tư Phan Đình Phùng – Hoàng Văn Thụ', 105.844, 21.5893, 3, {
    signal: 'remote',
  }),
  j('thai-nguyen', 'ngã ba Hoàng Văn Thụ – Bắc Kạn', 105.8385, 21.5975, 2, { signal: 'remote' }),
  j('thai-nguyen', 'ngã ba Mỏ Bạch (Dương Tự Minh – Quang Trung)', 105.8318, 21.6052, 3, {
    signal: 'remote',
    anpr: 'Quốc lộ 3 hướng Bắc Kạn',
  }),
  j('thai-nguyen', 'ngã ba Đán (Quang Trung – Z115)', 105.8088, 21.5907, 3, {
    signal: 'remote',
    anpr: 'hướng Đại Từ',
  }),
  j('thai-nguyen', 'ngã tư Cách Mạng Tháng Tám – Việt Bắc', 105.8455, 21.58, 2, {
    signal: 'remote',
  }),
  j('thai-nguyen', 'ngã tư Phan Đình Phùng – Minh Cầu', 105.8475, 21.5878, 2, {
    signal: 'remote',
  }),
  j('thai-nguyen', 'ngã tư Gang Thép (Cách Mạng Tháng Tám – 3/2)', 105.8585, 21.5472, 3, {
    signal: 'remote',
  }),
  j('thai-nguyen', 'ngã ba Lương Ngọc Quyến – Quang Trung', 105.829, 21.596, 2, {
    signal: 'local',
  }),
  j('thai-nguyen', 'ngã tư Lương Ngọc Quyến – Túc Duyên', 105.8505, 21.5957, 2, {
    signal: 'remote',
  }),
  j('thai-nguyen', 'ngã ba Thống Nhất – Tố Hữu', 105.812, 21.572, 2, { signal: 'local' }),
  j('thai-nguyen', 'ngã ba Quán Triều (Dương Tự Minh)', 105.8178, 21.624, 2, { signal: 'local' }),
  j('thai-nguyen', 'ngã ba Z115 – Tố Hữu', 105.7955, 21.5935, 2, { signal: 'local' }),
  j('thai-nguyen', 'ngã ba Bến Oánh – Túc Duyên', 105.8535, 21.592, 2, { signal: 'local' }),
  j('thai-nguyen', 'đầu cầu Gia Bẩy (Quốc lộ 1B)', 105.856, 21.5978, 2),
  j('thai-nguyen', 'ngã ba Thống Nhất – Đội Cấn', 105.8385, 21.5845, 2),
  j('song-cong', 'ngã tư Cách Mạng Tháng Mười – Thắng Lợi', 105.8505, 21.483, 2, {
    signal: 'remote',
  }),
  j('song-cong', 'ngã ba Cách Mạng Tháng Mười – Thống Nhất', 105.846, 21.476, 2, {
    signal: 'local',
  }),
  j('song-cong', 'nút giao Cách Mạng Tháng Mười – Quốc lộ 3', 105.838, 21.47, 1),
  j('pho-yen', 'ngã tư Ba Hàng (Quốc lộ 3 – Đường tỉnh 261)', 105.872, 21.412, 3, {
    signal: 'remote',
  }),
  j('pho-yen', 'ngã ba Quốc lộ 3 – Đường tỉnh 266', 105.865, 21.423, 2, { signal: 'local' }),
  j('pho-yen', 'nút giao Quốc lộ 3 – Khu công nghiệp Yên Bình', 105.884, 21.388, 2),
  j('bac-kan', 'ngã tư Trường Chinh – Nguyễn Văn Tố', 105.831, 22.148, 2, { signal: 'remote' }),
  j('bac-kan', 'ngã ba Trường Chinh – Kon Tum', 105.836, 22.154, 2, { signal: 'local' }),
  j('bac-kan', 'nút giao Quốc lộ 3 – Quốc lộ 3B (Xuất Hóa)', 105.84, 22.132, 1),
];
