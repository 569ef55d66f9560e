/**
 * The demo's alert rules, as data: a camera that goes silent, a fire alarm, a
 * fire panel that goes silent, fine dust (PM2.5) above 55 µg/m³, and a water
 * level above its gauge's flood mark (one rule per gauge: each has its own
 * mark, and rules compare a field with one value). The seed creates the rules
 * whose names do not exist yet.
 *
 * The two silence rules only make sense while something feeds them: the seed
 * creates them disabled when the simulator is off, and the simulator re-arms
 * them when it starts, so that silence is counted from then: while CityOps
 * was stopped the demo city was not silent, it was not there (without this,
 * every start after a pause would open, and soon clear, an alert per camera).
 *
 * The fire-alarm rule is a `match` rule, and match rules cannot look inside
 * the data: test alarms (`fire.alarm` with `test: true`) fire it too. That is
 * on purpose: a rule that skipped alarms by their `test` field would also skip
 * a real alarm from a panel that does not send the field. The alert's details
 * show the event's data, `test` included.
 */
import {
  alertRuleCreateSchema,
  type AlertRule,
  type AlertRuleCreate,
  type Asset,
} from '@cityops/contracts';
import type { CityOps } from '../main.js';
import type { Actor } from '../core/auth/principal.js';
import type { RulesService } from '../alerts/rules.service.js';
import { gaugeOf } from './water.js';

export const CAMERA_SILENCE_SECONDS = 180;
export const FIRE_PANEL_SILENCE_SECONDS = 300;
export const PM25_LIMIT = 55;

export const DEMO_RULE_NAMES = {
  cameraOffline: 'Camera mất kết nối',
  fireAlarm: 'Báo cháy',
  firePanelOffline: 'Tủ báo cháy mất kết nối',
  pm25: 'Bụi mịn PM2.5 vượt 55 µg/m³',
  waterLevel: (asset: Pick<Asset, 'name'>) => `Mực nước vượt mức báo động – ${asset.name}`,
} as const;

type RuleAsset = Pick<Asset, 'id' | 'name' | 'type' | 'properties'>;

/** The rules for the demo's water-level sensors (`assets`: any demo assets; others are skipped). */
function waterLevelRules(assets: readonly RuleAsset[]) {
  return assets.flatMap((a) => {
    const gauge = a.type === 'sensor' ? gaugeOf(a.properties) : undefined;
    if (!gauge) return [];
    const shown = `${gauge.mark} ${gauge.unit}`;
    return [
      {
        name: DEMO_RULE_NAMES.waterLevel(a),
        severity: 'critical',
        kind: 'threshold',
        assetId: a.id,
        eventType: 'env.reading',
        field: 'waterLevel',
        op: '>',
        value: gauge.mark,
        clearValue: gauge.clear,
        message: {
          vi: `Mực nước vượt mức báo động ${shown}: cảnh báo ngập, lũ`,
          en: `Water level above the flood mark of ${shown}`,
        },
      },
    ];
  });
}

/** Every demo rule, checked against the rule schema (defaults applied). */
export function demoAlertRules(
  assets: readonly RuleAsset[],
  opts: { silenceEnabled: boolean } = { silenceEnabled: true },
): AlertRuleCreate[] {
  const rules: unknown[] = [
    {
      name: DEMO_RULE_NAMES.cameraOffline,
      severity: 'warning',
      kind: 'silence',
      enabled: opts.silenceEnabled,
      assetType: 'camera',
      seconds: CAMERA_SILENCE_SECONDS,
      escalateAfterMinutes: 15,
      message: {
        vi: 'Camera không gửi tín hiệu quá 3 phút',
        en: 'The camera has sent nothing for over 3 minutes',
      },
    },
    {
      name: DEMO_RULE_NAMES.fireAlarm,
      severity: 'critical',
      kind: 'match',
      eventType: 'fire.alarm',
      message: {
        vi: 'Tủ báo cháy báo có cháy. Tín hiệu thử cũng hiện ở đây: xem "test" trong chi tiết',
        en: 'A fire panel reports a fire. Test signals show here too: see "test" in the details',
      },
    },
    {
      name: DEMO_RULE_NAMES.firePanelOffline,
      severity: 'critical',
      kind: 'silence',
      enabled: opts.silenceEnabled,
      assetType: 'fire_panel',
      seconds: FIRE_PANEL_SILENCE_SECONDS,
      message: {
        vi: 'Tủ báo cháy mất kết nối quá 5 phút: không còn nhận được báo cháy từ tòa nhà',
        en: 'The fire panel has been silent for over 5 minutes: fire alarms from the building would not arrive',
      },
    },
    {
      name: DEMO_RULE_NAMES.pm25,
      severity: 'warning',
      kind: 'threshold',
      assetType: 'sensor',
      eventType: 'env.reading',
      field: 'pm25',
      op: '>',
      value: PM25_LIMIT,
      clearValue: 45,
      message: {
        vi: 'Nồng độ bụi PM2.5 vượt 55 µg/m³: hạn chế hoạt động ngoài trời',
        en: 'PM2.5 above 55 µg/m³: limit outdoor activity',
      },
    },
    ...waterLevelRules(assets),
  ];
  return rules.map((r) => alertRuleCreateSchema.parse(r));
}

async function rulesByName(rules: RulesService): Promise<Map<string, AlertRule>> {
  const byName = new Map<string, AlertRule>();
  let after: string | undefined;
  for (;;) {
    const page = await rules.list({ all: true }, { after, limit: 1000 });
    for (const r of page) if (!byName.has(r.name)) byName.set(r.name, r);
    if (page.length < 1000) return byName;
    after = page[page.length - 1]!.id;
  }
}

/**
 * Creates the demo rules not created yet (by name); answers how many it
 * created. `silenceEnabled`: whether the simulator will feed the silence rules.
 */
export async function seedDemoRules(
  cityops: Pick<CityOps, 'alerts'>,
  actor: Actor,
  assets: readonly RuleAsset[],
  opts: { silenceEnabled: boolean } = { silenceEnabled: true },
): Promise<number> {
  const { rules } = cityops.alerts;
  const existing = await rulesByName(rules);
  let created = 0;
  for (const rule of demoAlertRules(assets, opts)) {
    if (existing.has(rule.name)) continue;
    await rules.create(actor, { all: true }, rule);
    created++;
  }
  return created;
}

/**
 * Counts silence from now for the demo's silence rules, if they are still
 * there as silence rules (whatever else a person changed stays); answers how
 * many it re-armed.
 */
export async function rearmDemoSilence(rules: RulesService, actor: Actor): Promise<number> {
  const byName = await rulesByName(rules);
  let rearmed = 0;
  for (const name of [DEMO_RULE_NAMES.cameraOffline, DEMO_RULE_NAMES.firePanelOffline]) {
    const rule = byName.get(name);
    if (rule?.kind !== 'silence' || rule.seconds === undefined) continue;
    // Giving `seconds` again re-arms a rule (rules.service.ts): its silence counts from now.
    await rules.update(actor, { all: true }, rule.id, { seconds: rule.seconds });
    rearmed++;
  }
  return rearmed;
}
