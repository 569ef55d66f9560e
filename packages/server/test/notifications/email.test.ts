/**
 * Alert e-mail over real SMTP on loopback: the rule's addresses and the users
 * of a role whose scope covers the alert get a mail whose subject and text
 * are in Vietnamese first, then English, with times in Asia/Ho_Chi_Minh.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../support/db.js';
import { useEventsApp } from '../events/harness.js';
import { buildAsset, buildDevice, ingest, pickWards } from '../events/factories.js';
import { formatTime } from '../../src/notifications/render.js';
import { alertsOfRule, createRule, eventually } from '../alerts/harness.js';
import { startSmtp, type SmtpSink } from './loopback.js';

describeEachDb('alert e-mail', (kind) => {
  let smtp: SmtpSink;
  const env: Record<string, string> = {
    CITYOPS_SMTP_FROM: 'IOC Thái Nguyên <ioc@thainguyen.test>',
  };
  beforeAll(async () => {
    smtp = await startSmtp();
    env.CITYOPS_SMTP_URL = `smtp://cityops:smtp-secret@127.0.0.1:${smtp.port}`;
  });
  afterAll(() => smtp.close());
  const t = useEventsApp(kind, { env });

  it('mails the listed addresses and the ward supervisors, Vietnamese first', async () => {
    const { cityops, admin, userWith } = t();
    await cityops.alerts.engine.start();
    const [a, b] = await pickWards(cityops.db, 2);
    const supA = await userWith('supervisor', { units: [a!.code] });
    await userWith('supervisor', { units: [b!.code] });
    const asset = await buildAsset(cityops.db, { ward: a!, type: 'sensor', code: 'AQ-07' });
    const device = await buildDevice(admin, asset.id);
    const rule = await createRule(admin, {
      name: 'Air quality',
      severity: 'critical',
      kind: 'threshold',
      assetId: asset.id,
      eventType: 'env.reading',
      field: 'pm25',
      op: '>',
      value: 150,
      message: { vi: 'Chất lượng không khí rất xấu', en: 'Very poor air quality' },
      notify: [
        { channel: 'email', to: ['ops@thainguyen.test'] },
        { channel: 'email', role: 'supervisor' },
        { channel: 'email', role: 'supervisor', adminUnit: b!.code },
      ],
    });
    await ingest(cityops, device.key, { type: 'env.reading', data: { pm25: 212 } });
    const [alert] = await alertsOfRule(admin, rule.id, 1);

    await eventually(async () => {
      await cityops.notifications.outbox.drainOnce();
      expect(smtp.mails).toHaveLength(2);
    });
    const byRcpt = new Map(smtp.envelopes.map((to, i) => [to.join(','), smtp.mails[i]!]));
    const toOps = byRcpt.get('ops@thainguyen.test')!;
    const supAEmail = (await admin.get(`/api/v1/users/${supA.id}`)).json<{ email: string }>().email;
    expect(byRcpt.get(supAEmail), JSON.stringify(smtp.envelopes)).toBeDefined();
    expect(smtp.logins[0]).toBe('cityops:smtp-secret');

    expect(toOps.from?.value[0]).toMatchObject({
      name: 'IOC Thái Nguyên',
      address: 'ioc@thainguyen.test',
    });
    expect(toOps.subject).toBe(
      '[CityOps] [Nghiêm trọng] Cảnh báo mới - Chất lượng không khí rất xấu' +
        ' | [Critical] New alert - Very poor air quality',
    );
    const text = toOps.text ?? '';
    const vi = text.indexOf('Cảnh báo mới: Chất lượng không khí rất xấu');
    const en = text.indexOf('New alert: Very poor air quality');
    expect(vi).toBeGreaterThanOrEqual(0);
    expect(en).toBeGreaterThan(vi);
    expect(text).toContain('pm25 = 212 (> 150)');
    expect(text).toContain(`Mã cảnh báo: ${alert!.id}`);
    expect(text).toContain('AQ-07');
    expect(text).toContain(
      `Thời điểm phát sinh: ${formatTime(alert!.openedAt, 'Asia/Ho_Chi_Minh', 'vi')} (Asia/Ho_Chi_Minh)`,
    );
    expect(text).toContain(`Opened: ${formatTime(alert!.openedAt, 'Asia/Ho_Chi_Minh', 'en')}`);
    expect(toOps.headers.get('x-cityops-alert')).toBe(alert!.id);

    // The ward-B entry was skipped (the alert is in ward A), not dead-lettered.
    const dead = await admin.get('/api/v1/notifications/dead-letters');
    expect(dead.json<{ items: unknown[] }>().items).toEqual([]);
  });
});
