// Reference data of the demo province (Phú Thọ, 2021 structure): units, agencies, procedures,
// indicators and targets, exactly in the columns of FEEDS.md. Independent of the seed and the scale,
// so every demo build shares one catalogue. Fields outside the CSV columns (weights, processing
// days, fees) drive the feed generators and are never written.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtInCalendar, type CalendarRow } from '../reference/calendar.ts';
import { allocate, dayFromIso, isoFromDay } from './calendar.ts';
import { toCsv } from './csv.ts';
import {
  type AgencySuccessor,
  buildMerger,
  LAST_FORMER_DAY,
  mergerAgencies,
  type UnitSuccessor,
} from './merger.ts';
import {
  COMMUNE_SYLLABLES_1,
  COMMUNE_SYLLABLES_2,
  PROCEDURE_ACTIONS,
  PROCEDURE_OBJECTS,
  PROCEDURE_QUALIFIERS,
} from './names.ts';
import { hash01, shuffled } from './random.ts';

export type UnitLevel = 'province' | 'district' | 'commune';
export type ServiceLevel = 'full_online' | 'partial_online' | 'information';

export interface DemoUnit {
  code: string;
  name: string;
  level: UnitLevel;
  parent_code: string;
  kind: string;
  valid_from: string;
  valid_to: string;
  lat: number;
  lon: number;
  /** The day a commune opened online payment (units.csv v2), set by the generator from its adoption day. */
  payment_enabled_from?: string;
  /** Generator only: the district a commune belongs to (its own code for a district). */
  district: string;
  /** Generator only: relative population, which drives dossier volume. */
  weight: number;
}

export interface DemoAgency {
  code: string;
  name: string;
  unit_code: string;
  kind: 'department' | 'district_committee' | 'commune_committee' | 'other';
  sector: string;
  /** In force from / to (ISO, inclusive; empty = open). */
  valid_from: string;
  valid_to: string;
  /** Generator only: relative e-document volume. */
  docWeight: number;
  /** Generator only: handles incoming documents late much more often than the others. */
  lateDocs: boolean;
}

export interface DemoProcedure {
  code: string;
  name: string;
  sector: string;
  level: UnitLevel;
  service_level: ServiceLevel;
  has_fee: boolean;
  synced_national: boolean;
  /** Generator only: share of all dossiers filed under this procedure. */
  demand: number;
  /** Generator only: statutory processing time in working days. */
  days: number;
  /** The day the procedure began synchronising with the national portal (empty: not synchronised). */
  synced_from: string;
  /** Generator only: fee in VND (0 when has_fee is false). */
  fee: number;
}

export interface DemoIndicator {
  code: string;
  name_vi: string;
  name_en: string;
  subsystem: string;
  unit: string;
  aggregation: 'sum' | 'avg' | 'last' | 'max';
  frequency: 'month' | 'quarter' | 'half' | 'year';
  reporting_level: UnitLevel;
  due_days: number;
  direction: 'up' | 'down';
  /** Generator only: the department that submits province-level reports. */
  agency: string;
}

export interface DemoTarget {
  indicator_code: string;
  unit_code: string;
  year: number;
  target: number;
}

export interface DemoReference {
  units: DemoUnit[];
  agencies: DemoAgency[];
  procedures: DemoProcedure[];
  indicators: DemoIndicator[];
  targets: DemoTarget[];
  unitSuccessors: UnitSuccessor[];
  agencySuccessors: AgencySuccessor[];
  /** The new communes' dossiers and on-time share on the national portal in August 2026 (calibration). */
  portal: Map<string, { received: number; onTime: number }>;
}

export const PROVINCE_CODE = '25';
/** The district whose on-time rate deteriorates in the most recent quarters (scenario 2). */
export const LAGGING_DISTRICT = '238';
/** Districts that habitually submit their periodic reports late. */
export const LATE_REPORTING_DISTRICTS = ['240', '234'];

interface DistrictSeed {
  code: string;
  name: string;
  kind: string;
  lat: number;
  lon: number;
  /** commune-level units in 2021, and how many of them are phường / thị trấn */
  communes: number;
  wards: number;
  townlets: string[];
}

/** 13 district-level units (GSO codes, 2021 names, approximate centres); 229 is unused. */
const DISTRICTS: DistrictSeed[] = [
  {
    code: '227',
    name: 'Thành phố Việt Trì',
    kind: 'thành phố',
    lat: 21.322,
    lon: 105.402,
    communes: 22,
    wards: 13,
    townlets: [],
  },
  {
    code: '228',
    name: 'Thị xã Phú Thọ',
    kind: 'thị xã',
    lat: 21.404,
    lon: 105.226,
    communes: 10,
    wards: 5,
    townlets: [],
  },
  {
    code: '230',
    name: 'Huyện Đoan Hùng',
    kind: 'huyện',
    lat: 21.621,
    lon: 105.183,
    communes: 21,
    wards: 0,
    townlets: ['Đoan Hùng'],
  },
  {
    code: '231',
    name: 'Huyện Hạ Hoà',
    kind: 'huyện',
    lat: 21.568,
    lon: 105.003,
    communes: 20,
    wards: 0,
    townlets: ['Hạ Hoà'],
  },
  {
    code: '232',
    name: 'Huyện Thanh Ba',
    kind: 'huyện',
    lat: 21.483,
    lon: 105.152,
    communes: 19,
    wards: 0,
    townlets: ['Thanh Ba'],
  },
  {
    code: '233',
    name: 'Huyện Phù Ninh',
    kind: 'huyện',
    lat: 21.452,
    lon: 105.298,
    communes: 18,
    wards: 0,
    townlets: ['Phong Châu'],
  },
  {
    code: '234',
    name: 'Huyện Yên Lập',
    kind: 'huyện',
    lat: 21.331,
    lon: 105.021,
    communes: 17,
    wards: 0,
    townlets: ['Yên Lập'],
  },
  {
    code: '235',
    name: 'Huyện Cẩm Khê',
    kind: 'huyện',
    lat: 21.399,
    lon: 105.101,
    communes: 24,
    wards: 0,
    townlets: ['Cẩm Khê'],
  },
  {
    code: '236',
    name: 'Huyện Tam Nông',
    kind: 'huyện',
    lat: 21.302,
    lon: 105.249,
    communes: 12,
    wards: 0,
    townlets: ['Hưng Hoá'],
  },
  {
    code: '237',
    name: 'Huyện Lâm Thao',
    kind: 'huyện',
    lat: 21.318,
    lon: 105.309,
    communes: 12,
    wards: 0,
    townlets: ['Lâm Thao', 'Hùng Sơn'],
  },
  {
    code: '238',
    name: 'Huyện Thanh Sơn',
    kind: 'huyện',
    lat: 21.152,
    lon: 105.181,
    communes: 23,
    wards: 0,
    townlets: ['Thanh Sơn'],
  },
  {
    code: '239',
    name: 'Huyện Thanh Thuỷ',
    kind: 'huyện',
    lat: 21.122,
    lon: 105.281,
    communes: 10,
    wards: 0,
    townlets: ['Thanh Thuỷ'],
  },
  {
    code: '240',
    name: 'Huyện Tân Sơn',
    kind: 'huyện',
    lat: 21.148,
    lon: 104.979,
    communes: 17,
    wards: 0,
    townlets: [],
  },
];

/** A constant key for the reference data: the catalogue must not change with the feed seed. */
const REF_KEY = 'phu-tho-2021';

function buildUnits(): DemoUnit[] {
  const units: DemoUnit[] = [
    {
      code: PROVINCE_CODE,
      name: 'Tỉnh Phú Thọ',
      level: 'province',
      parent_code: '',
      kind: 'tỉnh',
      valid_from: '1997-01-01',
      valid_to: '',
      lat: 21.33,
      lon: 105.15,
      district: '',
      weight: 0,
    },
  ];
  for (const d of DISTRICTS) {
    units.push({
      code: d.code,
      name: d.name,
      level: 'district',
      parent_code: PROVINCE_CODE,
      kind: d.kind,
      valid_from: '2008-08-01',
      valid_to: LAST_FORMER_DAY,
      lat: d.lat,
      lon: d.lon,
      district: d.code,
      weight: 0,
    });
  }
  // Demo commune names: two syllables, unique in the province, distinct from the townlet names.
  const taken = new Set<string>(DISTRICTS.flatMap((d) => d.townlets));
  const pool = shuffled(
    COMMUNE_SYLLABLES_1.flatMap((a) => COMMUNE_SYLLABLES_2.filter((b) => b !== a).map((b) => `${a} ${b}`)),
    REF_KEY,
    'commune-names',
  ).filter((n) => !taken.has(n));
  let next = 0;
  let seq = 1;
  for (const d of DISTRICTS) {
    for (let k = 0; k < d.communes; k++) {
      const kind = k < d.wards ? 'phường' : k - d.wards < d.townlets.length ? 'thị trấn' : 'xã';
      const base = kind === 'thị trấn' ? d.townlets[k - d.wards] : pool[next++];
      const name = `${kind === 'phường' ? 'Phường' : kind === 'xã' ? 'Xã' : 'Thị trấn'} ${base}`;
      // Golden-angle spiral within ~0.075° of the district centre: distinct, evenly spread points,
      // urban wards (listed first) nearest the centre.
      const r = 0.075 * Math.sqrt((k + 0.5) / d.communes);
      const a = k * 2.399963 + hash01(REF_KEY, 'angle', d.code) * 6.283;
      const h = hash01(REF_KEY, 'weight', seq);
      units.push({
        code: `98${String(seq).padStart(3, '0')}`,
        name,
        level: 'commune',
        parent_code: d.code,
        kind,
        valid_from: '2008-08-01',
        valid_to: LAST_FORMER_DAY,
        lat: Math.round((d.lat + r * Math.sin(a)) * 10_000) / 10_000,
        lon: Math.round((d.lon + r * Math.cos(a)) * 10_000) / 10_000,
        district: d.code,
        weight: kind === 'phường' ? 1.7 + 0.6 * h : kind === 'thị trấn' ? 1.5 + 0.5 * h : 0.55 + 0.9 * h,
      });
      seq++;
    }
  }
  return units;
}

interface DepartmentSeed {
  code: string;
  name: string;
  sector: string;
  docWeight: number;
}

export const DEPARTMENTS: DepartmentSeed[] = [
  { code: 'SNV', name: 'Sở Nội vụ', sector: 'noi_vu', docWeight: 25 },
  { code: 'STP', name: 'Sở Tư pháp', sector: 'tu_phap', docWeight: 15 },
  { code: 'SKHDT', name: 'Sở Kế hoạch và Đầu tư', sector: 'ke_hoach_dau_tu', docWeight: 25 },
  { code: 'STC', name: 'Sở Tài chính', sector: 'tai_chinh', docWeight: 25 },
  { code: 'SCT', name: 'Sở Công Thương', sector: 'cong_thuong', docWeight: 15 },
  { code: 'SNNPTNT', name: 'Sở Nông nghiệp và Phát triển nông thôn', sector: 'nong_nghiep', docWeight: 22 },
  { code: 'SGTVT', name: 'Sở Giao thông vận tải', sector: 'giao_thong', docWeight: 18 },
  { code: 'SXD', name: 'Sở Xây dựng', sector: 'xay_dung', docWeight: 18 },
  { code: 'STNMT', name: 'Sở Tài nguyên và Môi trường', sector: 'tai_nguyen_moi_truong', docWeight: 25 },
  { code: 'STTTT', name: 'Sở Thông tin và Truyền thông', sector: 'thong_tin_truyen_thong', docWeight: 15 },
  { code: 'SLDTBXH', name: 'Sở Lao động – Thương binh và Xã hội', sector: 'lao_dong_xa_hoi', docWeight: 18 },
  { code: 'SVHTTDL', name: 'Sở Văn hóa, Thể thao và Du lịch', sector: 'van_hoa', docWeight: 15 },
  { code: 'SKHCN', name: 'Sở Khoa học và Công nghệ', sector: 'khoa_hoc_cong_nghe', docWeight: 10 },
  { code: 'SGDDT', name: 'Sở Giáo dục và Đào tạo', sector: 'giao_duc', docWeight: 20 },
  { code: 'SYT', name: 'Sở Y tế', sector: 'y_te', docWeight: 22 },
  { code: 'TTT', name: 'Thanh tra tỉnh', sector: 'thanh_tra', docWeight: 10 },
  { code: 'VPUBND', name: 'Văn phòng UBND tỉnh', sector: 'van_phong', docWeight: 60 },
  { code: 'BDT', name: 'Ban Dân tộc', sector: 'dan_toc', docWeight: 6 },
  { code: 'BQLKCN', name: 'Ban Quản lý các khu công nghiệp', sector: 'khu_cong_nghiep', docWeight: 8 },
  { code: 'CAT', name: 'Công an tỉnh', sector: 'cong_an', docWeight: 12 },
];

/** Agencies whose incoming documents are often handled late (something for the wall to find). */
const LATE_DOC_AGENCIES = new Set(['SXD', 'UBND-240']);

/** The sector of local People's Committees (not a department sector). */
export const LOCAL_SECTOR = 'chinh_quyen';

const LEVEL_COUNTS: Record<UnitLevel, number> = { province: 1381, district: 405, commune: 191 };
/** Seed figures of the catalogue (SUBSYSTEMS.md): 1.977 procedures, 851 level 3, 677 level 4, 626 synced. */
const PROCEDURES_TOTAL = 1977;
const PARTIAL_ONLINE = 851;
const FULL_ONLINE = 677;
const SYNCED_NATIONAL = 626;
/** Seed: procedures synchronised by 31/8/2020 (626 ÷ 358 = 174,86 %). */
const SYNCED_BY_2020 = 358;
const WITH_FEE = 593; // ≈ 30 %

/** Procedures per sector and level (relative), roughly as in provincial TTHC catalogues. */
const SECTOR_MIX: Record<UnitLevel, Record<string, number>> = {
  province: {
    tu_phap: 95,
    y_te: 160,
    giao_duc: 90,
    nong_nghiep: 120,
    cong_thuong: 115,
    ke_hoach_dau_tu: 110,
    giao_thong: 110,
    van_hoa: 120,
    xay_dung: 55,
    tai_nguyen_moi_truong: 95,
    lao_dong_xa_hoi: 100,
    noi_vu: 80,
    thong_tin_truyen_thong: 45,
    khoa_hoc_cong_nghe: 55,
    tai_chinh: 20,
    khu_cong_nghiep: 40,
    cong_an: 75,
    thanh_tra: 8,
    van_phong: 4,
    dan_toc: 3,
  },
  district: {
    tai_nguyen_moi_truong: 70,
    tu_phap: 45,
    xay_dung: 35,
    ke_hoach_dau_tu: 30,
    lao_dong_xa_hoi: 50,
    giao_duc: 40,
    van_hoa: 25,
    y_te: 15,
    cong_thuong: 20,
    nong_nghiep: 30,
    noi_vu: 25,
    thanh_tra: 10,
    dan_toc: 5,
    tai_chinh: 5,
  },
  commune: {
    tu_phap: 55,
    lao_dong_xa_hoi: 35,
    tai_nguyen_moi_truong: 15,
    nong_nghiep: 20,
    van_hoa: 15,
    noi_vu: 15,
    giao_duc: 10,
    y_te: 6,
    thanh_tra: 5,
    dan_toc: 5,
    cong_an: 10,
  },
};

/** Share of all dossiers by the level of the procedure. */
const LEVEL_DEMAND: Record<UnitLevel, number> = { province: 0.22, district: 0.33, commune: 0.45 };

interface FamousProcedure {
  level: UnitLevel;
  sector: string;
  name: string;
  /** share of the dossiers of its level */
  share: number;
  fee: number;
  days: number;
  service: ServiceLevel;
}

/** The handful of procedures that carry most of the one-stop traffic. */
const FAMOUS: FamousProcedure[] = [
  {
    level: 'commune',
    sector: 'tu_phap',
    name: 'Chứng thực bản sao từ bản chính giấy tờ, văn bản',
    share: 0.3,
    fee: 20_000,
    days: 1,
    service: 'partial_online',
  },
  {
    level: 'commune',
    sector: 'tu_phap',
    name: 'Chứng thực chữ ký trong các giấy tờ, văn bản',
    share: 0.1,
    fee: 20_000,
    days: 1,
    service: 'partial_online',
  },
  {
    level: 'commune',
    sector: 'tu_phap',
    name: 'Đăng ký khai sinh',
    share: 0.08,
    fee: 0,
    days: 2,
    service: 'full_online',
  },
  {
    level: 'commune',
    sector: 'tu_phap',
    name: 'Đăng ký kết hôn',
    share: 0.03,
    fee: 0,
    days: 3,
    service: 'partial_online',
  },
  {
    level: 'commune',
    sector: 'tu_phap',
    name: 'Đăng ký khai tử',
    share: 0.02,
    fee: 0,
    days: 2,
    service: 'full_online',
  },
  {
    level: 'commune',
    sector: 'tu_phap',
    name: 'Cấp bản sao trích lục hộ tịch',
    share: 0.05,
    fee: 20_000,
    days: 2,
    service: 'full_online',
  },
  {
    level: 'commune',
    sector: 'tu_phap',
    name: 'Xác nhận tình trạng hôn nhân',
    share: 0.05,
    fee: 0,
    days: 3,
    service: 'full_online',
  },
  {
    level: 'commune',
    sector: 'tu_phap',
    name: 'Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản',
    share: 0.03,
    fee: 50_000,
    days: 2,
    service: 'partial_online',
  },
  {
    level: 'commune',
    sector: 'cong_an',
    name: 'Đăng ký thường trú',
    share: 0.05,
    fee: 20_000,
    days: 7,
    service: 'full_online',
  },
  {
    level: 'commune',
    sector: 'lao_dong_xa_hoi',
    name: 'Giải quyết trợ cấp xã hội hằng tháng đối với người cao tuổi',
    share: 0.02,
    fee: 0,
    days: 10,
    service: 'partial_online',
  },
  {
    level: 'district',
    sector: 'tai_nguyen_moi_truong',
    name: 'Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất',
    share: 0.25,
    fee: 100_000,
    days: 10,
    service: 'partial_online',
  },
  {
    level: 'district',
    sector: 'tai_nguyen_moi_truong',
    name: 'Đăng ký, cấp giấy chứng nhận quyền sử dụng đất lần đầu',
    share: 0.1,
    fee: 100_000,
    days: 20,
    service: 'partial_online',
  },
  {
    level: 'district',
    sector: 'ke_hoach_dau_tu',
    name: 'Đăng ký thành lập hộ kinh doanh',
    share: 0.08,
    fee: 100_000,
    days: 3,
    service: 'full_online',
  },
  {
    level: 'district',
    sector: 'xay_dung',
    name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
    share: 0.06,
    fee: 100_000,
    days: 15,
    service: 'partial_online',
  },
  {
    level: 'district',
    sector: 'tai_nguyen_moi_truong',
    name: 'Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền',
    share: 0.05,
    fee: 300_000,
    days: 15,
    service: 'partial_online',
  },
  {
    level: 'district',
    sector: 'tu_phap',
    name: 'Chứng thực bản sao từ bản chính giấy tờ do cơ quan nước ngoài cấp',
    share: 0.03,
    fee: 20_000,
    days: 2,
    service: 'partial_online',
  },
  {
    level: 'province',
    sector: 'tu_phap',
    name: 'Cấp phiếu lý lịch tư pháp cho công dân Việt Nam',
    share: 0.08,
    fee: 200_000,
    days: 10,
    service: 'full_online',
  },
  {
    level: 'province',
    sector: 'ke_hoach_dau_tu',
    name: 'Đăng ký thành lập doanh nghiệp tư nhân',
    share: 0.03,
    fee: 50_000,
    days: 3,
    service: 'full_online',
  },
  {
    level: 'province',
    sector: 'ke_hoach_dau_tu',
    name: 'Đăng ký thành lập công ty trách nhiệm hữu hạn',
    share: 0.04,
    fee: 50_000,
    days: 3,
    service: 'full_online',
  },
  {
    level: 'province',
    sector: 'ke_hoach_dau_tu',
    name: 'Đăng ký thay đổi nội dung đăng ký doanh nghiệp',
    share: 0.06,
    fee: 50_000,
    days: 3,
    service: 'full_online',
  },
  {
    level: 'province',
    sector: 'giao_thong',
    name: 'Đổi giấy phép lái xe do ngành Giao thông vận tải cấp',
    share: 0.12,
    fee: 135_000,
    days: 5,
    service: 'full_online',
  },
  {
    level: 'province',
    sector: 'y_te',
    name: 'Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm',
    share: 0.02,
    fee: 500_000,
    days: 15,
    service: 'partial_online',
  },
];

const FEE_LEVELS = [
  20_000, 30_000, 50_000, 100_000, 150_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000,
];
const FEE_WEIGHTS = [14, 8, 16, 18, 8, 10, 8, 8, 6, 4];
const DAYS_BY_LEVEL: Record<UnitLevel, number[]> = {
  province: [3, 5, 7, 10, 10, 12, 15, 15, 20],
  district: [3, 5, 7, 10, 15, 15, 20],
  commune: [2, 3, 3, 5, 5, 7, 10],
};

function pick<T>(items: readonly T[], u: number, weights?: readonly number[]): T {
  if (!weights) return items[Math.min(items.length - 1, Math.floor(u * items.length))];
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < items.length; i++) {
    acc += weights[i] / total;
    if (u < acc) return items[i];
  }
  return items[items.length - 1];
}

/** First grants are filed far more often than amendments, and revocations hardly ever. */
function actionDemand(name: string): number {
  const factors: Array<[string, number]> = [
    ['Cấp lại ', 1],
    ['Cấp đổi ', 0.8],
    ['Cấp sửa đổi', 0.7],
    ['Cấp ', 1.6],
    ['Gia hạn ', 0.6],
    ['Điều chỉnh ', 0.5],
    ['Thu hồi ', 0.15],
  ];
  return factors.find(([prefix]) => name.startsWith(prefix))?.[1] ?? 1;
}

function buildProcedures(): DemoProcedure[] {
  interface Draft {
    name: string;
    sector: string;
    level: UnitLevel;
    famous?: FamousProcedure;
  }
  const drafts: Draft[] = [];
  const used = new Set<string>(FAMOUS.map((f) => f.name));
  // Candidate names per sector: plain names first, qualified variants only when a sector needs more.
  const candidates = new Map<string, string[]>();
  for (const [sector, objects] of Object.entries(PROCEDURE_OBJECTS)) {
    const list: string[] = [];
    for (const q of PROCEDURE_QUALIFIERS) {
      const combos = PROCEDURE_ACTIONS.flatMap((a) => objects.map((o) => `${a} ${o}${q}`));
      list.push(...shuffled(combos, REF_KEY, 'names', sector, q));
    }
    candidates.set(sector, list);
  }
  const cursor = new Map<string, number>();
  const nextName = (sector: string): string => {
    const list = candidates.get(sector);
    if (!list) throw new Error(`no procedure names for sector ${sector}`);
    let i = cursor.get(sector) ?? 0;
    while (i < list.length && used.has(list[i])) i++;
    if (i >= list.length) throw new Error(`procedure names exhausted for sector ${sector}`);
    cursor.set(sector, i + 1);
    used.add(list[i]);
    return list[i];
  };
  for (const level of ['province', 'district', 'commune'] as const) {
    const sectors = Object.keys(SECTOR_MIX[level]);
    const counts = allocate(
      LEVEL_COUNTS[level],
      sectors.map((s) => SECTOR_MIX[level][s]),
    );
    sectors.forEach((sector, si) => {
      const famous = FAMOUS.filter((f) => f.level === level && f.sector === sector);
      for (const f of famous) drafts.push({ name: f.name, sector, level, famous: f });
      for (let k = famous.length; k < counts[si]; k++) drafts.push({ name: nextName(sector), sector, level });
    });
  }
  if (drafts.length !== PROCEDURES_TOTAL)
    throw new Error(`procedure count ${drafts.length} ≠ ${PROCEDURES_TOTAL}`);

  // Service levels with exact totals: the famous ones are online; the rest are dealt out at random.
  const order = shuffled(
    drafts.map((_, i) => i),
    REF_KEY,
    'service',
  );
  const service: ServiceLevel[] = drafts.map((d) => d.famous?.service ?? 'information');
  let partialLeft = PARTIAL_ONLINE - service.filter((s) => s === 'partial_online').length;
  let fullLeft = FULL_ONLINE - drafts.filter((d) => d.famous?.service === 'full_online').length;
  for (const i of order) {
    if (drafts[i].famous) continue;
    if (partialLeft > 0) {
      service[i] = 'partial_online';
      partialLeft--;
    } else if (fullLeft > 0) {
      service[i] = 'full_online';
      fullLeft--;
    }
  }
  // Synced with the national portal: all famous ones, then mostly level-4 services.
  const synced = drafts.map((d) => Boolean(d.famous));
  const syncOrder = drafts
    .map((_, i) => ({ i, key: hash01(REF_KEY, 'sync', i) + (service[i] === 'full_online' ? 0.6 : 0) }))
    .filter(({ i }) => !drafts[i].famous && service[i] !== 'information')
    .sort((a, b) => b.key - a.key);
  for (const { i } of syncOrder.slice(0, SYNCED_NATIONAL - synced.filter(Boolean).length)) synced[i] = true;
  // When each began: the seed's 626 synchronised by 31/8/2021 were 358 a year earlier (626 = 174,86 % of 358).
  const syncedIdx = [
    ...drafts.map((d, i) => (d.famous ? i : -1)).filter((i) => i >= 0),
    ...syncOrder.map(({ i }) => i).filter((i) => synced[i] && !drafts[i].famous),
  ];
  const syncedFrom = new Map<number, string>();
  syncedIdx.forEach((i, rank) => {
    const [a, b, f] =
      rank < SYNCED_BY_2020
        ? [dayFromIso('2019-01-02'), dayFromIso('2020-08-31'), rank / (SYNCED_BY_2020 - 1)]
        : [
            dayFromIso('2020-09-01'),
            dayFromIso('2021-08-31'),
            (rank - SYNCED_BY_2020) / Math.max(1, syncedIdx.length - SYNCED_BY_2020 - 1),
          ];
    syncedFrom.set(i, isoFromDay(Math.round(a + f * (b - a))));
  });
  // Fees: exactly WITH_FEE procedures.
  const fee = drafts.map((d) => d.famous?.fee ?? 0);
  const feeOrder = shuffled(
    drafts.map((_, i) => i).filter((i) => !drafts[i].famous),
    REF_KEY,
    'fee',
  );
  const feeLeft = WITH_FEE - fee.filter((f) => f > 0).length;
  for (const i of feeOrder.slice(0, feeLeft))
    fee[i] = pick(FEE_LEVELS, hash01(REF_KEY, 'fee-level', i), FEE_WEIGHTS);

  // Demand: the famous ones take their fixed share of their level; the rest follow a Zipf law
  // over a random rank, and information-only procedures draw few dossiers.
  const demand = new Array<number>(drafts.length).fill(0);
  for (const level of ['province', 'district', 'commune'] as const) {
    const idx = drafts.map((d, i) => (d.level === level ? i : -1)).filter((i) => i >= 0);
    const famousShare = idx.reduce((s, i) => s + (drafts[i].famous?.share ?? 0), 0);
    const rest = shuffled(
      idx.filter((i) => !drafts[i].famous),
      REF_KEY,
      'rank',
      level,
    );
    // The offset keeps the busiest ordinary procedure well below the famous ones.
    const raw = rest.map(
      (i, r) => ((service[i] === 'information' ? 0.3 : 1) * actionDemand(drafts[i].name)) / (r + 4) ** 1.1,
    );
    const rawSum = raw.reduce((a, b) => a + b, 0);
    for (const i of idx)
      if (drafts[i].famous) demand[i] = LEVEL_DEMAND[level] * (drafts[i].famous?.share ?? 0);
    rest.forEach((i, r) => {
      demand[i] = (LEVEL_DEMAND[level] * (1 - famousShare) * raw[r]) / rawSum;
    });
  }

  // Codes in a shuffled order so the catalogue does not list the levels in blocks.
  const codeOrder = shuffled(
    drafts.map((_, i) => i),
    REF_KEY,
    'codes',
  );
  const procedures: DemoProcedure[] = codeOrder.map((i, k) => {
    const d = drafts[i];
    const step = Math.floor(hash01(REF_KEY, 'code', k) * 4);
    return {
      code: `1.00${String(1000 + k * 4 + step).padStart(4, '0')}`,
      name: d.name,
      sector: d.sector,
      level: d.level,
      service_level: service[i],
      has_fee: fee[i] > 0,
      synced_national: synced[i],
      synced_from: syncedFrom.get(i) ?? '',
      demand: demand[i],
      days: d.famous?.days ?? pick(DAYS_BY_LEVEL[d.level], hash01(REF_KEY, 'days', i)),
      fee: fee[i],
    };
  });
  return procedures;
}

type IndicatorRow = Omit<DemoIndicator, 'due_days'> & { due_days?: number };

const DUE_DAYS: Record<DemoIndicator['frequency'], number> = { month: 10, quarter: 15, half: 20, year: 30 };

// Rankings are published in spring of the following year (PCI, PAPI, PAR Index, SIPAS, DTI), so
// their reports are due 150 days after the year ends, not 30.
const RANKING_DUE_DAYS = 150;

const INDICATORS: IndicatorRow[] = [
  // economy
  {
    code: 'grdp_growth',
    name_vi: 'Tốc độ tăng trưởng GRDP',
    name_en: 'GRDP growth',
    subsystem: 'economy',
    unit: '%',
    aggregation: 'last',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SKHDT',
  },
  {
    code: 'budget_revenue',
    name_vi: 'Thu ngân sách nhà nước trên địa bàn',
    name_en: 'State budget revenue',
    subsystem: 'economy',
    unit: 'tỷ VND',
    aggregation: 'sum',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'STC',
  },
  {
    code: 'total_investment',
    name_vi: 'Tổng vốn đầu tư phát triển toàn xã hội',
    name_en: 'Total social investment',
    subsystem: 'economy',
    unit: 'tỷ VND',
    aggregation: 'sum',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SKHDT',
  },
  {
    code: 'export_value',
    name_vi: 'Giá trị xuất khẩu hàng hóa',
    name_en: 'Export value',
    subsystem: 'economy',
    unit: 'triệu USD',
    aggregation: 'sum',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SCT',
  },
  {
    code: 'industrial_production_index',
    name_vi: 'Chỉ số sản xuất công nghiệp (IIP) so với cùng kỳ',
    name_en: 'Index of industrial production (year on year)',
    subsystem: 'economy',
    unit: '%',
    aggregation: 'last',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SCT',
  },
  {
    code: 'retail_sales',
    name_vi: 'Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng',
    name_en: 'Retail sales of goods and consumer services',
    subsystem: 'economy',
    unit: 'tỷ VND',
    aggregation: 'sum',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SCT',
  },
  {
    code: 'new_enterprises',
    name_vi: 'Số doanh nghiệp thành lập mới',
    name_en: 'Newly established enterprises',
    subsystem: 'economy',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'quarter',
    reporting_level: 'district',
    direction: 'up',
    agency: 'SKHDT',
  },
  // A falling poverty rate is the goal, although SUBSYSTEMS.md does not mark it "down".
  {
    code: 'poverty_rate',
    name_vi: 'Tỷ lệ hộ nghèo',
    name_en: 'Poverty rate (households)',
    subsystem: 'economy',
    unit: '%',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'down',
    agency: 'SLDTBXH',
  },
  // health
  {
    code: 'health_insurance_coverage',
    name_vi: 'Tỷ lệ dân số tham gia bảo hiểm y tế',
    name_en: 'Health insurance coverage',
    subsystem: 'health',
    unit: '%',
    aggregation: 'last',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SYT',
  },
  {
    code: 'hospital_bed_occupancy',
    name_vi: 'Công suất sử dụng giường bệnh',
    name_en: 'Hospital bed occupancy',
    subsystem: 'health',
    unit: '%',
    aggregation: 'avg',
    frequency: 'month',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SYT',
  },
  {
    code: 'child_full_vaccination',
    name_vi: 'Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ',
    name_en: 'Children under one fully vaccinated',
    subsystem: 'health',
    unit: '%',
    aggregation: 'last',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SYT',
  },
  {
    code: 'doctors_per_10k',
    name_vi: 'Số bác sĩ trên 10.000 dân',
    name_en: 'Doctors per 10,000 population',
    subsystem: 'health',
    unit: 'per 10k',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SYT',
  },
  {
    code: 'outpatient_visits',
    name_vi: 'Số lượt khám bệnh ngoại trú',
    name_en: 'Outpatient visits',
    subsystem: 'health',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'month',
    reporting_level: 'district',
    direction: 'up',
    agency: 'SYT',
  },
  // education
  {
    code: 'schools_national_standard',
    name_vi: 'Tỷ lệ trường đạt chuẩn quốc gia',
    name_en: 'Schools meeting national standards',
    subsystem: 'education',
    unit: '%',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SGDDT',
  },
  {
    code: 'upper_secondary_graduation',
    name_vi: 'Tỷ lệ tốt nghiệp trung học phổ thông',
    name_en: 'Upper-secondary graduation rate',
    subsystem: 'education',
    unit: '%',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SGDDT',
  },
  {
    code: 'preschool_enrolment',
    name_vi: 'Tỷ lệ huy động trẻ mẫu giáo đến trường',
    name_en: 'Pre-school enrolment rate',
    subsystem: 'education',
    unit: '%',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SGDDT',
  },
  {
    code: 'students',
    name_vi: 'Số học sinh phổ thông',
    name_en: 'School pupils',
    subsystem: 'education',
    unit: 'count',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SGDDT',
  },
  // environment
  {
    code: 'aqi_average',
    name_vi: 'Chỉ số chất lượng không khí (AQI) trung bình',
    name_en: 'Average air quality index (AQI)',
    subsystem: 'environment',
    unit: 'index',
    aggregation: 'avg',
    frequency: 'month',
    reporting_level: 'province',
    direction: 'down',
    agency: 'STNMT',
  },
  {
    code: 'urban_waste_collection',
    name_vi: 'Tỷ lệ chất thải rắn sinh hoạt đô thị được thu gom, xử lý',
    name_en: 'Urban solid waste collected and treated',
    subsystem: 'environment',
    unit: '%',
    aggregation: 'last',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'STNMT',
  },
  {
    code: 'clean_water_access',
    name_vi: 'Tỷ lệ dân số được sử dụng nước sạch',
    name_en: 'Population with access to clean water',
    subsystem: 'environment',
    unit: '%',
    aggregation: 'last',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SNNPTNT',
  },
  {
    code: 'forest_cover',
    name_vi: 'Tỷ lệ che phủ rừng',
    name_en: 'Forest cover',
    subsystem: 'environment',
    unit: '%',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SNNPTNT',
  },
  {
    code: 'environmental_violations',
    name_vi: 'Số vụ vi phạm pháp luật về môi trường',
    name_en: 'Environmental violations',
    subsystem: 'environment',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'quarter',
    reporting_level: 'district',
    direction: 'down',
    agency: 'STNMT',
  },
  // security
  {
    code: 'traffic_accidents',
    name_vi: 'Số vụ tai nạn giao thông',
    name_en: 'Traffic accidents',
    subsystem: 'security',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'month',
    reporting_level: 'district',
    direction: 'down',
    agency: 'CAT',
  },
  {
    code: 'traffic_deaths',
    name_vi: 'Số người chết do tai nạn giao thông',
    name_en: 'Traffic deaths',
    subsystem: 'security',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'month',
    reporting_level: 'district',
    direction: 'down',
    agency: 'CAT',
  },
  {
    code: 'traffic_injuries',
    name_vi: 'Số người bị thương do tai nạn giao thông',
    name_en: 'Traffic injuries',
    subsystem: 'security',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'month',
    reporting_level: 'district',
    direction: 'down',
    agency: 'CAT',
  },
  {
    code: 'crimes_reported',
    name_vi: 'Số vụ phạm tội về trật tự xã hội',
    name_en: 'Criminal offences reported',
    subsystem: 'security',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'month',
    reporting_level: 'district',
    direction: 'down',
    agency: 'CAT',
  },
  {
    code: 'crimes_solved_rate',
    name_vi: 'Tỷ lệ điều tra, khám phá án hình sự',
    name_en: 'Criminal case clearance rate',
    subsystem: 'security',
    unit: '%',
    aggregation: 'last',
    frequency: 'month',
    reporting_level: 'province',
    direction: 'up',
    agency: 'CAT',
  },
  {
    code: 'fires',
    name_vi: 'Số vụ cháy',
    name_en: 'Fires',
    subsystem: 'security',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'month',
    reporting_level: 'district',
    direction: 'down',
    agency: 'CAT',
  },
  // digital
  {
    code: 'signatures_issued',
    name_vi: 'Số chứng thư chữ ký số chuyên dùng đã cấp (lũy kế)',
    name_en: 'Specialised digital signature certificates issued (cumulative)',
    subsystem: 'digital',
    unit: 'count',
    aggregation: 'last',
    frequency: 'month',
    reporting_level: 'province',
    direction: 'up',
    agency: 'STTTT',
  },
  {
    code: 'video_endpoints',
    name_vi: 'Số điểm cầu hội nghị truyền hình trực tuyến',
    name_en: 'Video-conference endpoints',
    subsystem: 'digital',
    unit: 'count',
    aggregation: 'last',
    frequency: 'month',
    reporting_level: 'province',
    direction: 'up',
    agency: 'STTTT',
  },
  {
    code: 'cyber_attacks_blocked',
    name_vi: 'Số cuộc tấn công mạng được ngăn chặn',
    name_en: 'Cyber attacks blocked',
    subsystem: 'digital',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'month',
    reporting_level: 'province',
    direction: 'up',
    agency: 'STTTT',
  },
  {
    code: 'security_incidents',
    name_vi: 'Số sự cố an toàn thông tin mạng',
    name_en: 'Information-security incidents',
    subsystem: 'digital',
    unit: 'count',
    aggregation: 'sum',
    frequency: 'month',
    reporting_level: 'province',
    direction: 'down',
    agency: 'STTTT',
  },
  {
    code: 'systems_security_level_approved',
    name_vi: 'Tỷ lệ hệ thống thông tin được phê duyệt hồ sơ đề xuất cấp độ',
    name_en: 'Information systems with an approved security level',
    subsystem: 'digital',
    unit: '%',
    aggregation: 'last',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'STTTT',
  },
  {
    code: 'index766_transparency',
    name_vi: 'Điểm công khai, minh bạch (Bộ chỉ số QĐ 766)',
    name_en: 'Transparency score (Decision 766 index)',
    subsystem: 'digital',
    unit: 'score',
    aggregation: 'last',
    frequency: 'quarter',
    reporting_level: 'province',
    direction: 'up',
    agency: 'VPUBND',
  },
  // What the national public-service portal published for the province (QĐ 766), reported each month so that
  // the portal's number stands beside ours (index766.portal_score, index766.portal_rank).
  {
    code: 'portal_score',
    name_vi: 'Điểm Bộ chỉ số 766 do Cổng DVC quốc gia công bố',
    name_en: 'QĐ 766 score published by the national portal',
    subsystem: 'index766',
    unit: 'score',
    aggregation: 'last',
    frequency: 'month',
    reporting_level: 'province',
    direction: 'up',
    agency: 'VPUBND',
  },
  {
    code: 'portal_rank',
    name_vi: 'Xếp hạng Bộ chỉ số 766 trên Cổng DVC quốc gia',
    name_en: 'QĐ 766 rank on the national portal',
    subsystem: 'index766',
    unit: 'rank',
    aggregation: 'last',
    frequency: 'month',
    reporting_level: 'province',
    direction: 'down',
    agency: 'VPUBND',
  },
  // rankings
  {
    code: 'pci_score',
    name_vi: 'Điểm Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)',
    name_en: 'Provincial Competitiveness Index (PCI) score',
    subsystem: 'rankings',
    unit: 'score',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SKHDT',
    due_days: RANKING_DUE_DAYS,
  },
  {
    code: 'pci_rank',
    name_vi: 'Xếp hạng PCI',
    name_en: 'PCI rank',
    subsystem: 'rankings',
    unit: 'rank',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'down',
    agency: 'SKHDT',
    due_days: RANKING_DUE_DAYS,
  },
  {
    code: 'papi_score',
    name_vi: 'Điểm Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI)',
    name_en: 'Provincial Governance and Public Administration Performance Index (PAPI) score',
    subsystem: 'rankings',
    unit: 'score',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SNV',
    due_days: RANKING_DUE_DAYS,
  },
  {
    code: 'papi_rank',
    name_vi: 'Xếp hạng PAPI',
    name_en: 'PAPI rank',
    subsystem: 'rankings',
    unit: 'rank',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'down',
    agency: 'SNV',
    due_days: RANKING_DUE_DAYS,
  },
  {
    code: 'par_index_score',
    name_vi: 'Điểm Chỉ số cải cách hành chính (PAR Index)',
    name_en: 'Public Administration Reform Index (PAR Index) score',
    subsystem: 'rankings',
    unit: 'score',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SNV',
    due_days: RANKING_DUE_DAYS,
  },
  {
    code: 'par_index_rank',
    name_vi: 'Xếp hạng PAR Index',
    name_en: 'PAR Index rank',
    subsystem: 'rankings',
    unit: 'rank',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'down',
    agency: 'SNV',
    due_days: RANKING_DUE_DAYS,
  },
  {
    code: 'sipas_score',
    name_vi: 'Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)',
    name_en: 'Satisfaction Index of Public Administrative Services (SIPAS)',
    subsystem: 'rankings',
    unit: 'score',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'SNV',
    due_days: RANKING_DUE_DAYS,
  },
  {
    code: 'dti_score',
    name_vi: 'Điểm Chỉ số chuyển đổi số cấp tỉnh (DTI)',
    name_en: 'Provincial Digital Transformation Index (DTI) score',
    subsystem: 'rankings',
    unit: 'score',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'up',
    agency: 'STTTT',
    due_days: RANKING_DUE_DAYS,
  },
  {
    code: 'dti_rank',
    name_vi: 'Xếp hạng DTI',
    name_en: 'DTI rank',
    subsystem: 'rankings',
    unit: 'rank',
    aggregation: 'last',
    frequency: 'year',
    reporting_level: 'province',
    direction: 'down',
    agency: 'STTTT',
    due_days: RANKING_DUE_DAYS,
  },
];

/** Annual plan figures (kế hoạch) of the province; later years extend the last trend. */
const TARGETS: Record<string, readonly number[]> = {
  // 2020 … 2026
  grdp_growth: [7.5, 7.0, 7.5, 8.0, 8.0, 8.5, 10.0],
  budget_revenue: [7600, 8500, 9800, 10500, 10000, 11500, 12800],
  total_investment: [32000, 34000, 37000, 40000, 42000, 45500, 49000],
  export_value: [2200, 2500, 2850, 3000, 3100, 3450, 3800],
  industrial_production_index: [109, 109, 110, 110, 110, 111, 112],
  retail_sales: [33000, 35000, 38000, 43000, 47000, 52000, 57000],
  new_enterprises: [850, 900, 1000, 1050, 1100, 1200, 1300],
  poverty_rate: [5.5, 4.5, 6.0, 4.8, 3.6, 2.7, 2.0],
  health_insurance_coverage: [91.5, 92.0, 92.5, 93.0, 93.5, 94.2, 95.0],
  clean_water_access: [65, 67, 69, 71, 73, 75, 77],
  forest_cover: [39.8, 39.8, 39.9, 40.0, 40.0, 40.1, 40.2],
  schools_national_standard: [78, 80, 82, 84, 85.5, 87, 88.5],
};

function buildTargets(lastYear: number): DemoTarget[] {
  const targets: DemoTarget[] = [];
  for (const [code, values] of Object.entries(TARGETS)) {
    const step = values[values.length - 1] - values[values.length - 2];
    for (let year = 2020; year <= lastYear; year++) {
      const i = year - 2020;
      const raw = i < values.length ? values[i] : values[values.length - 1] + step * (i - values.length + 1);
      targets.push({
        indicator_code: code,
        unit_code: PROVINCE_CODE,
        year,
        target: Math.round(raw * 100) / 100,
      });
    }
  }
  return targets;
}

/** The whole catalogue; `lastYear` bounds the targets (the year of the generation's end date). */
export function buildReference(lastYear: number): DemoReference {
  const formerPhuTho = buildUnits();
  const merger = buildMerger(formerPhuTho.filter((u) => u.level === 'commune'));
  const units = [...formerPhuTho, ...merger.units];
  const { agencies, agencySuccessors } = mergerAgencies(
    units,
    merger.unitSuccessors,
    DEPARTMENTS,
    LATE_DOC_AGENCIES,
  );
  return {
    units,
    agencies,
    procedures: buildProcedures(),
    indicators: INDICATORS.map((i) => ({ ...i, due_days: i.due_days ?? DUE_DAYS[i.frequency] })),
    targets: buildTargets(lastYear),
    unitSuccessors: merger.unitSuccessors,
    agencySuccessors,
    portal: merger.portal,
  };
}

/** Write the reference CSVs (five tables and the calendar); returns their paths. */
export async function writeReference(dataDir: string, ref: DemoReference): Promise<string[]> {
  const dir = join(dataDir, 'reference');
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    [
      'units.csv',
      toCsv<DemoUnit>(
        [
          'code',
          'name',
          'level',
          'parent_code',
          'kind',
          'valid_from',
          'valid_to',
          'lat',
          'lon',
          'payment_enabled_from',
        ],
        ref.units,
      ),
    ],
    [
      'agencies.csv',
      toCsv<DemoAgency>(
        ['code', 'name', 'unit_code', 'kind', 'sector', 'valid_from', 'valid_to'],
        ref.agencies,
      ),
    ],
    [
      'unit_successors.csv',
      toCsv<UnitSuccessor>(['old_code', 'new_code', 'share', 'weight', 'valid_from'], ref.unitSuccessors),
    ],
    [
      'agency_successors.csv',
      toCsv<AgencySuccessor>(['old_code', 'new_code', 'valid_from'], ref.agencySuccessors),
    ],
    [
      'procedures.csv',
      // A synchronised procedure has two versions: not synchronised until the day before it began, then synchronised.
      toCsv<DemoProcedure & { valid_from: string; valid_to: string }>(
        [
          'code',
          'name',
          'sector',
          'level',
          'service_level',
          'has_fee',
          'synced_national',
          'valid_from',
          'valid_to',
        ],
        ref.procedures.flatMap((p) =>
          p.synced_from
            ? [
                {
                  ...p,
                  synced_national: false,
                  valid_from: '',
                  valid_to: isoFromDay(dayFromIso(p.synced_from) - 1),
                },
                { ...p, valid_from: p.synced_from, valid_to: '' },
              ]
            : [{ ...p, valid_from: '', valid_to: '' }],
        ),
      ),
    ],
    [
      'indicators.csv',
      toCsv<DemoIndicator>(
        [
          'code',
          'name_vi',
          'name_en',
          'subsystem',
          'unit',
          'aggregation',
          'frequency',
          'reporting_level',
          'due_days',
          'direction',
        ],
        ref.indicators,
      ),
    ],
    ['targets.csv', toCsv<DemoTarget>(['indicator_code', 'unit_code', 'year', 'target'], ref.targets)],
    // The working-day calendar (FEEDS.md v2): the built-in years, written out as the file a province corrects.
    ['calendar.csv', toCsv<CalendarRow>(['date', 'kind', 'name'], builtInCalendar())],
  ];
  const paths: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    await writeFile(path, text, 'utf8');
    paths.push(path);
  }
  return paths;
}
