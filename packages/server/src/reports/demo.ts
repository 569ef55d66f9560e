/**
 * Demo citizen reports (CITYOPS_DEMO=1, `cityops seed --demo`): sixty
 * reports of the last six weeks, in Vietnamese, across the
 * categories, at places of the demo city, in every status, some of them
 * overdue, so that a new user finds a living back office. They go through
 * the same submission and workflow as real ones (history, deadlines in
 * working days, audit as "demo seed"), each on a clock set to its own time.
 * Deterministic: the same seed gives the same reports.
 */
import type { ReportAction, ReportActionBody } from '@cityops/contracts';
import type { Actor, Principal } from '../core/auth/principal.js';
import type { Clock } from '../core/clock.js';
import { sql } from '../core/db/sql.js';
import type { CoreContext } from '../core/module.js';
import { ReportActions } from './actions.js';
import type { ReportsModuleParts } from './parts.js';
import { ReportSubmissions } from './submission.js';

/** A clock the seed moves: each report is sent and handled at its own time. */
class DemoClock implements Clock {
  constructor(public ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
}

/** Small deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STREETS = [
  'đường Hoàng Văn Thụ',
  'đường Lương Ngọc Quyến',
  'đường Quang Trung',
  'đường Phan Đình Phùng',
  'đường Cách Mạng Tháng Tám',
  'đường Bến Oánh',
  'đường Dương Tự Minh',
  'đường Thống Nhất',
  'đường Minh Cầu',
  'đường Túc Duyên',
  'đường Bắc Sơn',
  'đường Z115',
  'phố Đội Cấn',
  'đường Tố Hữu',
];

interface Template {
  text: string;
  attributes: Record<string, string>;
}

/** What people write, per category ({s}: a street, {n}: a house number). */
const TEXTS: Record<string, Template[]> = {
  road_damage: [
    {
      text: 'Ổ gà lớn giữa làn xe máy trước số nhà {n} {s}, trời mưa đọng nước rất nguy hiểm.',
      attributes: { hazard_level: 'high' },
    },
    {
      text: 'Mặt đường {s} bị lún sụt khoảng 2 m, xe tải đi qua rung mạnh.',
      attributes: { hazard_level: 'medium' },
    },
    {
      text: 'Nắp hố ga trên {s} gần số {n} bị vỡ, cần thay gấp.',
      attributes: { hazard_level: 'high' },
    },
    {
      text: 'Vỉa hè {s} bong gạch nhiều chỗ, người đi bộ dễ vấp ngã.',
      attributes: { hazard_level: 'low' },
    },
  ],
  street_lighting: [
    {
      text: 'Cả dãy đèn đường trên {s} đoạn từ số {n} không sáng mấy đêm nay.',
      attributes: { lighting_fault: 'off' },
    },
    {
      text: 'Đèn đường trước số {n} {s} nhấp nháy liên tục cả đêm.',
      attributes: { lighting_fault: 'flickering' },
    },
    {
      text: 'Đèn đường {s} vẫn sáng lúc 10 giờ sáng, lãng phí điện.',
      attributes: { lighting_fault: 'daytime' },
    },
  ],
  waste_sanitation: [
    {
      text: 'Rác sinh hoạt tập kết ở đầu ngõ {n} {s} ba ngày chưa thu gom, bốc mùi.',
      attributes: { waste_kind: 'household' },
    },
    {
      text: 'Có người đổ trộm phế thải xây dựng ven {s} vào ban đêm.',
      attributes: { waste_kind: 'construction' },
    },
    { text: 'Thùng rác công cộng trước chợ trên {s} bị vỡ, rác tràn ra đường.', attributes: {} },
  ],
  urban_order: [
    {
      text: 'Quán ăn trước số {n} {s} bày bàn ghế chiếm hết vỉa hè, người đi bộ phải xuống lòng đường.',
      attributes: { encroachment_kind: 'pavement' },
    },
    {
      text: 'Xe ô tô đỗ dàn hàng ngang chiếm lòng đường {s} giờ tan tầm.',
      attributes: { encroachment_kind: 'roadway' },
    },
    {
      text: 'Công trình số {n} {s} xây thêm tầng, có dấu hiệu không phép.',
      attributes: { encroachment_kind: 'construction' },
    },
    {
      text: 'Biển quảng cáo dựng trên vỉa hè {s} che khuất tầm nhìn ở ngã ba.',
      attributes: { encroachment_kind: 'advertising' },
    },
  ],
  trees_parks: [
    {
      text: 'Cây xanh trước số {n} {s} bị nghiêng sau mưa bão, có nguy cơ đổ vào nhà dân.',
      attributes: { tree_condition: 'leaning' },
    },
    {
      text: 'Cành cây lớn gãy treo lơ lửng trên {s}, đề nghị cắt tỉa.',
      attributes: { tree_condition: 'broken_branch' },
    },
    { text: 'Cây đổ chắn một nửa đường {s}.', attributes: { tree_condition: 'fallen' } },
  ],
  water_drainage: [
    {
      text: 'Khu dân cư gần số {n} {s} mất nước sinh hoạt từ sáng hôm qua.',
      attributes: { water_issue: 'no_water' },
    },
    {
      text: 'Đường ống nước bị vỡ trên {s}, nước chảy lênh láng ra đường.',
      attributes: { water_issue: 'leak' },
    },
    {
      text: 'Mưa to là {s} đoạn trước số {n} ngập sâu 30–40 cm, cống thoát nước bị tắc.',
      attributes: { water_issue: 'flooding' },
    },
  ],
  traffic_signals: [
    {
      text: 'Đèn tín hiệu giao thông ở nút giao {s} bị tắt, xe cộ đi lộn xộn.',
      attributes: { signal_fault: 'off' },
    },
    {
      text: 'Đèn đỏ ở ngã tư {s} đứng im không chuyển màu, ùn tắc kéo dài.',
      attributes: { signal_fault: 'stuck' },
    },
  ],
  public_security: [
    {
      text: 'Nhóm thanh niên tụ tập đua xe trên {s} khoảng 23 giờ các tối cuối tuần.',
      attributes: {},
    },
    { text: 'Liên tiếp xảy ra trộm xe máy ở khu trọ gần số {n} {s}.', attributes: {} },
  ],
  noise: [
    {
      text: 'Hộ dân số {n} {s} hát karaoke to đến quá 23 giờ nhiều đêm liền.',
      attributes: { noise_source: 'karaoke' },
    },
    {
      text: 'Công trường trên {s} thi công máy khoan lúc 5 giờ sáng.',
      attributes: { noise_source: 'construction' },
    },
  ],
  other: [
    { text: 'Biển tên đường {s} bị mất, người lạ khó tìm đường.', attributes: {} },
    { text: 'Ghế đá ở công viên gần {s} bị hỏng, đề nghị sửa chữa.', attributes: {} },
  ],
};

const ANSWERS = [
  'Đơn vị đã kiểm tra hiện trường và khắc phục xong. Cảm ơn người dân đã phản ánh.',
  'Đã cử tổ công tác xử lý; hiện trạng đã được khắc phục.',
  'Đã lập biên bản, yêu cầu hộ kinh doanh cam kết không tái phạm.',
  'Đã sửa chữa, thay thế thiết bị hỏng và đưa vào hoạt động bình thường.',
];

/** Outcomes: where each demo report has got to (weights add up to 100). */
const OUTCOMES: Array<[string, number]> = [
  ['received', 14],
  ['verified', 10],
  ['assigned', 14],
  ['in_progress', 16],
  ['answered', 12],
  ['closed', 24],
  ['rejected', 6],
  ['merged', 4],
];

export interface DemoReportsResult {
  reports: number;
}

/**
 * Seeds the demo reports unless the database already has reports. `points`
 * are places of the demo city ([lon, lat], inside the province).
 */
export async function seedDemoReports(
  ctx: Pick<CoreContext, 'db' | 'audit' | 'clock' | 'config'>,
  parts: ReportsModuleParts,
  points: Array<[number, number]>,
  actor: Actor,
  count = 60,
): Promise<DemoReportsResult> {
  const [{ n } = { n: 0 }] = await ctx.db.query<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM reports`,
  );
  if (n > 0 || points.length === 0) return { reports: 0 };
  const rnd = random(766);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const clock = new DemoClock(ctx.clock.now().getTime());
  const common = {
    db: ctx.db,
    audit: ctx.audit,
    clock,
    calendar: parts.calendar,
    categories: parts.categories,
    files: parts.files,
    deadlineDays: ctx.config.reports.deadlineDays,
    changes: parts.changes,
  };
  const submissions = new ReportSubmissions(common);
  const actions = new ReportActions({
    ...common,
    agencies: parts.agencies,
    notifier: parts.notifier,
  });
  const staff: Principal = {
    kind: 'user',
    id: '00000000-0000-4000-8000-000000000766',
    email: 'demo-seed@cityops.local',
    name: 'Trực ban IOC (dữ liệu mẫu)',
    role: 'supervisor',
    sessionId: 'demo-seed',
    scope: { all: true },
  };
  const act = <A extends ReportAction>(id: number, action: A, body: ReportActionBody<A>) =>
    actions.act(staff, actor, id, action, body);
  const categories = (await parts.categories.list()).filter((c) => c.active);
  const codes = categories.map((c) => c.code).filter((c) => TEXTS[c]);
  const now = ctx.clock.now().getTime();
  const made: number[] = [];
  const HOUR = 3_600_000;
  // Oldest first, so that ids grow with time as they do for real.
  const times = Array.from({ length: count }, () => now - rnd() * 42 * 24 * HOUR).sort(
    (a, b) => a - b,
  );
  for (const at of times) {
    const code = pick(codes);
    const t = pick(TEXTS[code]!);
    const [lon, lat] = pick(points);
    const jitter = () => (rnd() - 0.5) * 0.0008;
    clock.ms = at;
    let outcome = 'received';
    let roll = rnd() * 100;
    for (const [o, w] of OUTCOMES) {
      if ((roll -= w) < 0) {
        outcome = o;
        break;
      }
    }
    let submitted;
    try {
      submitted = await submissions.submit(
        {
          channel: rnd() < 0.75 ? 'citizen_app' : rnd() < 0.5 ? 'open311' : 'staff',
          categoryCode: code,
          description: t.text
            .replace('{s}', pick(STREETS))
            .replace('{n}', String(1 + Math.floor(rnd() * 480))),
          location: { lat: lat + jitter(), lon: lon + jitter() },
          address: null,
          addressId: null,
          attributes: t.attributes,
          photoIds: [],
          reporter: { name: null, phone: null, email: null, deviceId: null, accountId: null },
          citizenId: null,
          mediaUrl: null,
        },
        {
          history: { type: 'citizen', id: null, name: null, agency: null },
          audit: actor,
          uploader: { type: 'anonymous', id: null },
        },
      );
    } catch {
      continue; // a point that is not placed today (boundaries changed): skip it
    }
    const id = submitted.id;
    made.push(id);
    // Each step an hour or more after the previous one, never past now.
    const step = (hours: number) => (clock.ms = Math.min(now, clock.ms + hours * HOUR));
    if (outcome === 'received') continue;
    if (outcome === 'rejected') {
      step(2 + rnd() * 20);
      await act(id, 'reject', {
        reason: 'Nội dung không thuộc thẩm quyền giải quyết của chính quyền địa phương.',
      });
      continue;
    }
    if (outcome === 'merged' && made.length > 1) {
      step(1 + rnd() * 10);
      await act(id, 'merge', { into: String(made[made.length - 2]!) }).catch(() => undefined);
      continue;
    }
    step(1 + rnd() * 6);
    await act(id, 'verify', { note: 'Đã xác minh thông tin phản ánh.' });
    if (outcome === 'verified') continue;
    step(1 + rnd() * 12);
    if (!submitted.agency) continue;
    await act(id, 'assign', { coordinating: [] });
    if (outcome === 'assigned') continue;
    step(4 + rnd() * 24);
    await act(id, 'start', {});
    if (outcome === 'in_progress') continue;
    // Some answered late: the statistics show both.
    step(rnd() < 0.25 ? 24 * (4 + rnd() * 20) : 6 + rnd() * 48);
    await act(id, 'answer', { text: pick(ANSWERS), photoIds: [] });
    if (outcome === 'answered') continue;
    step(2 + rnd() * 48);
    await act(id, 'close', { note: 'Người dân không có ý kiến thêm.' });
  }
  return { reports: made.length };
}
