/**
 * The queries and the dashboard CityOps has out of the box: assets by type
 * and status, events over time by family, alerts unresolved, by rule, by
 * severity and by admin unit, and the key figures.
 */
import { alertSeverities, alertStatuses, assetStatuses } from '@cityops/contracts';
import type { AlertSeverity, AlertStatus, AssetStatus, AssetType } from '@cityops/contracts';
import { api } from '../../ui/api';
import { statusColours } from '../../ui/status';
import { assetTypeName } from '../components/labels';
import { unitNamesNow } from '../components/unit-names';
import type { Column, DataTable, QueryParams } from './model';
import { registerDashboard, registerQuery, shared } from './registry';

export const severityColours: Record<AlertSeverity, string> = {
  info: '#3d8bfd',
  warning: '#f0a500',
  critical: '#e5484d',
};

const typeColumn: Column = {
  key: 'type',
  label: 'field.type',
  role: 'dimension',
  format: (v, i18n) => assetTypeName(v as AssetType, i18n),
};
const statusColumn: Column = {
  key: 'status',
  label: 'field.status',
  role: 'dimension',
  format: (v, i18n) => i18n.t(`status.${v as AssetStatus}`),
  colour: (v) => statusColours[v as AssetStatus],
  order: assetStatuses,
};
const severityColumn: Column = {
  key: 'severity',
  label: 'alerts.severity',
  role: 'dimension',
  format: (v, i18n) => i18n.t(`severity.${v as AlertSeverity}`),
  colour: (v) => severityColours[v as AlertSeverity],
  order: [...alertSeverities].reverse(),
};
const countColumn: Column = { key: 'count', label: 'dash.count', role: 'measure' };
const unitColumn: Column = {
  key: 'unit',
  label: 'field.adminUnit',
  role: 'dimension',
  format: (v, i18n) => {
    if (v === null) return i18n.t('dash.noUnit');
    const u = unitNamesNow().get(String(v));
    return u ? i18n.pick(u.nameVi, u.nameEn) : String(v);
  },
};

const unitOnly = (p: QueryParams) => (p.adminUnit ? { adminUnit: p.adminUnit } : {});
const period = (p: QueryParams) => ({ ...unitOnly(p), from: p.from, to: p.to });

const alertsSummary = (p: QueryParams) =>
  shared(`alerts-summary|${p.adminUnit ?? ''}|${p.from}|${p.to}`, () =>
    api.dashboards.alertsSummary(period(p)),
  );
const assetsByStatus = (p: QueryParams) =>
  shared(`assets-by-status|${p.adminUnit ?? ''}`, () => api.dashboards.assetsByStatus(unitOnly(p)));

registerQuery({
  id: 'assets.byStatus',
  permission: 'assets:read',
  usesPeriod: false,
  load: async (p) => ({
    columns: [typeColumn, statusColumn, countColumn],
    rows: (await assetsByStatus(p)).items.map((r) => ({ ...r })),
  }),
});

registerQuery({
  id: 'events.overTime',
  permission: 'events:read',
  usesPeriod: true,
  load: async (p, signal) => {
    const body = await api.dashboards.eventsOverTime({ ...period(p), bucket: p.bucket }, signal);
    return {
      bucket: body.bucket,
      columns: [
        { key: 't', label: 'dash.time', role: 'time' },
        {
          key: 'family',
          label: 'dash.family',
          role: 'dimension',
          format: (v, i18n) => {
            const known = ['heartbeat', 'status', 'traffic', 'env', 'fire', 'alert'];
            return known.includes(String(v))
              ? i18n.t(
                  `family.${v as 'heartbeat' | 'status' | 'traffic' | 'env' | 'fire' | 'alert'}`,
                )
              : String(v);
          },
        },
        countColumn,
      ],
      rows: body.items.map((r) => ({ ...r })),
    };
  },
});

registerQuery({
  id: 'alerts.unresolved',
  permission: 'alerts:read',
  usesPeriod: false,
  load: async (p) => ({
    columns: [
      severityColumn,
      {
        key: 'status',
        label: 'field.status',
        role: 'dimension',
        format: (v, i18n) => i18n.t(`alertStatus.${v as AlertStatus}`),
        order: alertStatuses,
      },
      countColumn,
    ],
    rows: (await alertsSummary(p)).unresolved.map((r) => ({ ...r })),
  }),
});

registerQuery({
  id: 'alerts.byRule',
  permission: 'alerts:read',
  usesPeriod: true,
  load: async (p) => ({
    columns: [{ key: 'title', label: 'dash.rule', role: 'dimension' }, severityColumn, countColumn],
    rows: (await alertsSummary(p)).byRule.map((r) => ({
      title: r.title,
      severity: r.severity,
      count: r.count,
    })),
  }),
});

registerQuery({
  id: 'alerts.bySeverity',
  permission: 'alerts:read',
  usesPeriod: true,
  load: async (p) => {
    const totals = new Map<AlertSeverity, number>();
    for (const r of (await alertsSummary(p)).byRule)
      totals.set(r.severity, (totals.get(r.severity) ?? 0) + r.count);
    return {
      columns: [severityColumn, countColumn],
      rows: [...alertSeverities]
        .reverse()
        .filter((s) => totals.has(s))
        .map((s) => ({ severity: s, count: totals.get(s)! })),
    };
  },
});

registerQuery({
  id: 'alerts.byUnit',
  permission: 'alerts:read',
  usesPeriod: true,
  load: async (p) => ({
    columns: [unitColumn, severityColumn, countColumn],
    rows: (await alertsSummary(p)).byUnit.map((r) => ({
      unit: r.adminUnit,
      severity: r.severity,
      count: r.count,
    })),
  }),
});

/** The numbers of the wall and the dashboard's first row. */
export const keyFigures = [
  'assetsTotal',
  'assetsOnline',
  'assetsOffline',
  'assetsAlarm',
  'alertsCritical',
  'alertsOpen',
  'alertsAcknowledged',
  'eventsPeriod',
] as const;
export type KeyFigure = (typeof keyFigures)[number];

registerQuery({
  id: 'overview.figures',
  permission: 'assets:read',
  usesPeriod: true,
  load: async (p, signal): Promise<DataTable> => {
    const [assets, alerts, events] = await Promise.all([
      assetsByStatus(p),
      alertsSummary(p).catch(() => null),
      api.dashboards.eventsOverTime({ ...period(p), bucket: p.bucket }, signal).catch(() => null),
    ]);
    const assetsWith = (s?: AssetStatus) =>
      assets.items.filter((r) => !s || r.status === s).reduce((n, r) => n + r.count, 0);
    const unresolved = (f: (r: { severity: AlertSeverity; status: AlertStatus }) => boolean) =>
      alerts ? alerts.unresolved.filter(f).reduce((n, r) => n + r.count, 0) : null;
    const values: Record<KeyFigure, number | null> = {
      assetsTotal: assetsWith(),
      assetsOnline: assetsWith('online'),
      assetsOffline: assetsWith('offline'),
      assetsAlarm: assetsWith('alarm'),
      alertsCritical: unresolved((r) => r.severity === 'critical'),
      alertsOpen: unresolved((r) => r.status === 'open'),
      alertsAcknowledged: unresolved((r) => r.status === 'acknowledged'),
      eventsPeriod: events ? events.items.reduce((n, r) => n + r.count, 0) : null,
    };
    return {
      columns: [
        {
          key: 'figure',
          label: 'dash.figure',
          role: 'dimension',
          format: (v, i18n) => i18n.t(`figure.${v as KeyFigure}`),
          colour: (v) =>
            v === 'assetsAlarm' || v === 'alertsCritical'
              ? severityColours.critical
              : v === 'assetsOffline'
                ? statusColours.offline
                : v === 'assetsOnline'
                  ? statusColours.online
                  : undefined,
        },
        { key: 'value', label: 'dash.value', role: 'measure' },
      ],
      rows: keyFigures
        .filter((k) => values[k] !== null)
        .map((k) => ({ figure: k, value: values[k] })),
    };
  },
});

registerDashboard({
  id: 'operations',
  title: 'dash.operations',
  widgets: [
    {
      id: 'figures',
      title: 'dash.keyFigures',
      query: 'overview.figures',
      view: { kind: 'figures', label: 'figure', value: 'value' },
      span: 3,
    },
    {
      id: 'assets-by-status',
      title: 'dash.assetsByStatus',
      query: 'assets.byStatus',
      view: { kind: 'bar', x: 'type', series: 'status', value: 'count', horizontal: true },
      span: 2,
    },
    {
      id: 'alerts-unresolved',
      title: 'dash.alertsUnresolved',
      query: 'alerts.unresolved',
      view: { kind: 'bar', x: 'status', series: 'severity', value: 'count' },
    },
    {
      id: 'events-over-time',
      title: 'dash.eventsOverTime',
      query: 'events.overTime',
      view: { kind: 'line', x: 't', series: 'family', value: 'count' },
      span: 3,
    },
    {
      id: 'alerts-by-severity',
      title: 'dash.alertsBySeverity',
      query: 'alerts.bySeverity',
      view: { kind: 'pie', name: 'severity', value: 'count' },
    },
    {
      id: 'alerts-by-rule',
      title: 'dash.alertsByRule',
      query: 'alerts.byRule',
      view: { kind: 'bar', x: 'title', series: 'severity', value: 'count', horizontal: true },
    },
    {
      id: 'alerts-by-unit',
      title: 'dash.alertsByUnit',
      query: 'alerts.byUnit',
      view: { kind: 'bar', x: 'unit', series: 'severity', value: 'count', horizontal: true },
    },
  ],
});
