/**
 * Named places of the demo city: hospitals, high schools and universities,
 * markets, public buildings, fire stations, water plants and monitoring
 * points. Names are those of real places; positions are approximate. Places
 * given by `centreOf` sit near the People's Committee of that commune.
 */
import type { LngLat } from '@cityops/contracts';
import { lngLat } from './geometry.js';
import type { AreaKey } from './areas.js';

/** Either a position, or the code of a commune whose centre the place is near. */
export type Where = LngLat | { centreOf: string };

export interface Place {
  nameVi: string;
  at: Where;
  street?: string;
}

const at = (lon: number, lat: number) => lngLat(lon, lat);
const near = (code: string) => ({ centreOf: code });

export interface HospitalPlace extends Place {
  beds: number;
}

export const HOSPITALS: readonly HospitalPlace[] = [
  {
    nameVi: 'Bệnh viện Trung ương Thái Nguyên',
    at: at(105.8362, 21.5947),
    street: 'Lương Ngọc Quyến',
    beds: 1500,
  },
  {
    nameVi: 'Bệnh viện A Thái Nguyên',
    at: at(105.8196, 21.5932),
    street: 'Quang Trung',
    beds: 700,
  },
  { nameVi: 'Bệnh viện C Thái Nguyên', at: at(105.8452, 21.5955), beds: 500 },
  { nameVi: 'Bệnh viện Gang Thép', at: at(105.8552, 21.5523), beds: 350 },
  { nameVi: 'Trung tâm Y tế Sông Công', at: at(105.8488, 21.4795), beds: 200 },
  { nameVi: 'Trung tâm Y tế Phổ Yên', at: at(105.8695, 21.4175), beds: 250 },
  { nameVi: 'Bệnh viện Đa khoa Bắc Kạn', at: at(105.8285, 22.1425), beds: 500 },
];

export type SchoolLevel =
  'preschool' | 'primary' | 'lower_secondary' | 'upper_secondary' | 'vocational' | 'university';

export interface SchoolPlace extends Place {
  level: SchoolLevel;
  students: number;
}

const s = (
  nameVi: string,
  level: SchoolLevel,
  students: number,
  where: Where,
  street?: string,
): SchoolPlace => ({ nameVi, level, students, at: where, ...(street ? { street } : {}) });

export const NAMED_SCHOOLS: readonly SchoolPlace[] = [
  s('Đại học Thái Nguyên', 'university', 1200, at(105.8162, 21.5884)),
  s(
    'Trường Đại học Sư phạm – Đại học Thái Nguyên',
    'university',
    9000,
    at(105.8322, 21.5962),
    'Lương Ngọc Quyến',
  ),
  s(
    'Trường Đại học Y Dược – Đại học Thái Nguyên',
    'university',
    7000,
    at(105.8344, 21.5953),
    'Lương Ngọc Quyến',
  ),
  s(
    'Trường Đại học Kỹ thuật Công nghiệp – Đại học Thái Nguyên',
    'university',
    10000,
    at(105.8505, 21.5573),
    '3/2',
  ),
  s('Trường Đại học Nông Lâm – Đại học Thái Nguyên', 'university', 8000, at(105.8048, 21.5866)),
  s(
    'Trường Đại học Công nghệ Thông tin và Truyền thông – Đại học Thái Nguyên',
    'university',
    6000,
    at(105.8012, 21.5921),
    'Z115',
  ),
  s('Trường Cao đẳng Y tế Thái Nguyên', 'vocational', 2000, at(105.8252, 21.5858)),
  s('Trường THPT Chuyên Thái Nguyên', 'upper_secondary', 1100, at(105.8268, 21.5902)),
  s('Trường THPT Lương Ngọc Quyến', 'upper_secondary', 1500, at(105.8425, 21.5838)),
  s('Trường THPT Gang Thép', 'upper_secondary', 1300, at(105.8566, 21.5512)),
  s('Trường THPT Ngô Quyền', 'upper_secondary', 1200, at(105.8598, 21.5818)),
  s('Trường THPT Dương Tự Minh', 'upper_secondary', 1000, at(105.8202, 21.6178)),
  s('Trường THPT Chu Văn An', 'upper_secondary', 900, at(105.8238, 21.5779)),
  s('Trường THPT Sông Công', 'upper_secondary', 1100, at(105.8478, 21.4802)),
  s('Trường THPT Phổ Yên', 'upper_secondary', 1200, at(105.8702, 21.4158)),
  s('Trường THPT Lê Hồng Phong', 'upper_secondary', 1000, at(105.8602, 21.4052)),
  s('Trường THPT Chuyên Bắc Kạn', 'upper_secondary', 700, at(105.8332, 22.1502)),
  s('Trường THPT Bắc Kạn', 'upper_secondary', 900, at(105.8281, 22.1558)),
];

export type BuildingKind = 'market' | 'mall' | 'office' | 'transport' | 'culture';

export interface BuildingPlace extends Place {
  kind: BuildingKind;
  area: AreaKey;
}

const b = (
  area: AreaKey,
  kind: BuildingKind,
  nameVi: string,
  where: Where,
  street?: string,
): BuildingPlace => ({ area, kind, nameVi, at: where, ...(street ? { street } : {}) });

/** Public buildings with a fire-alarm panel (besides hospitals, schools and ward offices). */
export const BUILDINGS: readonly BuildingPlace[] = [
  b('thai-nguyen', 'market', 'Chợ Thái', at(105.8448, 21.5912)),
  b('thai-nguyen', 'market', 'Chợ Túc Duyên', at(105.853, 21.5945), 'Túc Duyên'),
  b('thai-nguyen', 'market', 'Chợ Đồng Quang', at(105.838, 21.585)),
  b('thai-nguyen', 'market', 'Chợ Đán', at(105.8102, 21.5893), 'Quang Trung'),
  b('thai-nguyen', 'market', 'Chợ Quán Triều', at(105.8192, 21.6228), 'Dương Tự Minh'),
  b('song-cong', 'market', 'Chợ Mỏ Chè', at(105.8512, 21.4822)),
  b('pho-yen', 'market', 'Chợ Ba Hàng', at(105.8728, 21.4108)),
  b('bac-kan', 'market', 'Chợ Bắc Kạn', at(105.8318, 22.1468)),
  b('thai-nguyen', 'mall', 'Siêu thị GO! Thái Nguyên', at(105.8528, 21.5842), 'Phan Đình Phùng'),
  b('thai-nguyen', 'office', 'Trụ sở Tỉnh ủy, HĐND, UBND tỉnh Thái Nguyên', at(105.8372, 21.593)),
  b('thai-nguyen', 'office', 'Trung tâm Phục vụ hành chính công tỉnh', at(105.8356, 21.5902)),
  b('thai-nguyen', 'office', 'Sở Khoa học và Công nghệ (Trung tâm IOC)', at(105.8392, 21.5918)),
  b('thai-nguyen', 'office', 'Trụ sở Công an tỉnh Thái Nguyên', at(105.8408, 21.5966)),
  b('thai-nguyen', 'transport', 'Ga Thái Nguyên', at(105.8352, 21.6002)),
  b('thai-nguyen', 'transport', 'Bến xe khách Thái Nguyên', at(105.8542, 21.5818)),
  b(
    'thai-nguyen',
    'culture',
    'Bảo tàng Văn hóa các dân tộc Việt Nam',
    at(105.8422, 21.5862),
    'Đội Cấn',
  ),
  b('thai-nguyen', 'culture', 'Nhà thi đấu tỉnh Thái Nguyên', at(105.8305, 21.5878)),
  b('bac-kan', 'office', 'Trung tâm hành chính khu vực Bắc Kạn', at(105.8352, 22.1528)),
];

/** The 7 cameras of the pilot security system, all in central Thái Nguyên. */
export const PILOT_CAMERA_PLACES: readonly Place[] = [
  { nameVi: 'Quảng trường Võ Nguyên Giáp', at: at(105.8432, 21.594) },
  { nameVi: 'Chợ Thái', at: at(105.8452, 21.5915) },
  { nameVi: 'Hồ Xương Rồng', at: at(105.8472, 21.5858) },
  { nameVi: 'Ga Thái Nguyên', at: at(105.8356, 21.6005) },
  { nameVi: 'Bến xe khách Thái Nguyên', at: at(105.8545, 21.5822) },
  { nameVi: 'Bảo tàng Văn hóa các dân tộc Việt Nam', at: at(105.8426, 21.5865) },
  { nameVi: 'cổng Đại học Thái Nguyên', at: at(105.8166, 21.5888) },
];

export const POLICE_HEADQUARTERS: ReadonlyArray<Place & { traffic?: boolean }> = [
  { nameVi: 'Công an tỉnh Thái Nguyên', at: at(105.8408, 21.5966) },
  {
    nameVi: 'Phòng Cảnh sát giao thông – Công an tỉnh Thái Nguyên',
    at: at(105.8122, 21.5872),
    traffic: true,
  },
];

export interface FireStationPlace extends Place {
  vehicles: number;
  /** Where the district team sits: its units are the ones it covers first. */
  area: AreaKey | null;
}

export const FIRE_STATIONS: readonly FireStationPlace[] = [
  {
    nameVi: 'Phòng Cảnh sát PCCC và CNCH – Công an tỉnh Thái Nguyên',
    at: at(105.8248, 21.5988),
    vehicles: 14,
    area: 'thai-nguyen',
  },
  {
    nameVi: 'Đội Cảnh sát PCCC và CNCH khu vực Sông Công',
    at: at(105.8502, 21.4868),
    vehicles: 6,
    area: 'song-cong',
  },
  {
    nameVi: 'Đội Cảnh sát PCCC và CNCH khu vực Phổ Yên',
    at: at(105.8682, 21.4198),
    vehicles: 7,
    area: 'pho-yen',
  },
  {
    nameVi: 'Đội Cảnh sát PCCC và CNCH khu vực Bắc Kạn',
    at: at(105.8322, 22.1532),
    vehicles: 6,
    area: 'bac-kan',
  },
  {
    nameVi: 'Đội Cảnh sát PCCC và CNCH khu vực Đại Từ',
    at: near('19-xa-dai-tu'),
    vehicles: 4,
    area: null,
  },
  {
    nameVi: 'Đội Cảnh sát PCCC và CNCH khu vực Phú Bình',
    at: near('19-xa-phu-binh'),
    vehicles: 4,
    area: null,
  },
];

export type SensorKind = 'air_quality' | 'water_level' | 'water_quality';

export interface SensorPlace extends Place {
  kind: SensorKind;
  /** River or lake, for water sensors. */
  water?: string;
}

const sp = (kind: SensorKind, nameVi: string, where: Where, water?: string): SensorPlace => ({
  kind,
  nameVi,
  at: where,
  ...(water ? { water } : {}),
});

export const SENSOR_PLACES: readonly SensorPlace[] = [
  sp('air_quality', 'Quảng trường Võ Nguyên Giáp', at(105.8436, 21.5936)),
  sp('air_quality', 'ngã ba Mỏ Bạch', at(105.8322, 21.6048)),
  sp('air_quality', 'ngã ba Đán', at(105.8092, 21.5911)),
  sp('air_quality', 'ngã tư Gang Thép', at(105.8589, 21.5476)),
  sp('air_quality', 'Khu Gang thép Thái Nguyên', at(105.8642, 21.5402)),
  sp('air_quality', 'Hồ Xương Rồng', at(105.8466, 21.5862)),
  sp('air_quality', 'Đại học Thái Nguyên', at(105.8158, 21.5878)),
  sp('air_quality', 'Quan Triều', at(105.8172, 21.6262)),
  sp('air_quality', 'Khu công nghiệp Sông Công', at(105.8402, 21.4702)),
  sp('air_quality', 'trung tâm Sông Công', at(105.8508, 21.4836)),
  sp('air_quality', 'Khu công nghiệp Yên Bình', at(105.8872, 21.3842)),
  sp('air_quality', 'trung tâm Ba Hàng', at(105.8712, 21.4128)),
  sp('air_quality', 'Bãi Bông', at(105.8612, 21.4352)),
  sp('air_quality', 'trung tâm Bắc Kạn', at(105.8338, 22.1512)),
  sp('air_quality', 'Xuất Hóa', at(105.8405, 22.1338)),
  sp('air_quality', 'trung tâm Đại Từ', near('19-xa-dai-tu')),
  sp('water_level', 'sông Cầu – cầu Gia Bẩy', at(105.8572, 21.5988), 'Sông Cầu'),
  sp('water_level', 'sông Cầu – Bến Oánh', at(105.8578, 21.5885), 'Sông Cầu'),
  sp('water_level', 'sông Cầu – Bến Tượng', at(105.8605, 21.5775), 'Sông Cầu'),
  sp('water_level', 'sông Công – cầu Sông Công', at(105.8362, 21.4782), 'Sông Công'),
  sp('water_level', 'sông Công – Phổ Yên', at(105.8552, 21.4282), 'Sông Công'),
  sp('water_level', 'hồ Núi Cốc', at(105.7402, 21.6205), 'Hồ Núi Cốc'),
  sp('water_level', 'sông Cầu – Bắc Kạn', at(105.8362, 22.1452), 'Sông Cầu'),
  sp('water_level', 'sông Cầu – Chợ Mới', near('19-xa-cho-moi'), 'Sông Cầu'),
  sp('water_level', 'điểm ngập đường Quang Trung', at(105.8222, 21.5952)),
  sp('water_level', 'điểm ngập đường Cách Mạng Tháng Tám', at(105.8492, 21.5692)),
  sp('water_quality', 'Nhà máy nước Tích Lương', at(105.8472, 21.5602)),
  sp('water_quality', 'Nhà máy nước Yên Bình', at(105.8802, 21.3802)),
  sp('water_quality', 'Nhà máy nước Sông Công', at(105.8422, 21.4852)),
  sp('water_quality', 'Nhà máy nước Bắc Kạn', at(105.8402, 22.1602)),
];
