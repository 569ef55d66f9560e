/**
 * Dashboards are data. A dashboard is a layout of widgets; a widget shows the
 * table a named query answers, as figures, a chart or a table. Queries and
 * dashboards are registered by id (registry.ts), so a module (citizen reports,
 * cameras…) adds its own without changing this code. See README.md here.
 */
import type { Permission } from '@cityops/contracts';
import type { I18n } from '../../ui/i18n/i18n';
import type { ConsoleKey } from '../messages';

/** Text of a widget or column: a key of the console's dictionary, or the module's own pair. */
export type Text = ConsoleKey | { vi: string; en: string };

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface Column {
  key: string;
  label: Text;
  /** A dimension to group by, a time, or a number to draw. */
  role: 'dimension' | 'time' | 'measure';
  /** How a value reads in the current language (a type's name, a unit's name…). */
  format?: (value: Cell, i18n: I18n<ConsoleKey>) => string;
  /** A fixed colour per value (statuses, severities), when it has one. */
  colour?: (value: Cell) => string | undefined;
  /** The order of the values, when it is not the order they come in. */
  order?: readonly string[];
}

/** What every query answers. */
export interface DataTable {
  columns: Column[];
  rows: Row[];
  /** A time bucket of the `time` column, for its labels. */
  bucket?: 'hour' | 'day';
}

/** The filters of a dashboard, as every query gets them. */
export interface QueryParams {
  adminUnit?: string | undefined;
  /** ISO times; `to` is excluded. */
  from: string;
  to: string;
  bucket: 'hour' | 'day';
}

export interface QueryDefinition {
  id: string;
  /** Shown (and run) only for a user with this permission. */
  permission: Permission;
  /** Whether the period applies; false: the query counts what is there now. */
  usesPeriod: boolean;
  load: (params: QueryParams, signal: AbortSignal) => Promise<DataTable>;
}

export type WidgetView =
  /** Big numbers: one per row, `label` names it, `value` is the number. */
  | { kind: 'figures'; label: string; value: string }
  | {
      kind: 'bar';
      x: string;
      value: string;
      /** A dimension drawn as one series each (stacked). */
      series?: string;
      horizontal?: boolean;
    }
  | { kind: 'line'; x: string; value: string; series?: string }
  | { kind: 'pie'; name: string; value: string }
  | { kind: 'table' };

export interface WidgetSpec {
  /** Unique in its dashboard. */
  id: string;
  title: Text;
  query: string;
  view: WidgetView;
  /** Grid columns the card takes (of 3). */
  span?: 1 | 2 | 3;
}

export interface DashboardLayout {
  id: string;
  title: Text;
  widgets: WidgetSpec[];
}

export function textOf(text: Text, i18n: I18n<ConsoleKey>): string {
  return typeof text === 'string' ? i18n.t(text) : i18n.pick(text.vi, text.en);
}

export function cellText(col: Column, value: Cell, i18n: I18n<ConsoleKey>): string {
  if (col.format) return col.format(value, i18n);
  if (value === null) return '—';
  return typeof value === 'number' ? i18n.fmt.number(value) : value;
}

/** The table as CSV (RFC 4180, with a BOM so that spreadsheet programs read Vietnamese right). */
export function toCsv(table: DataTable, i18n: I18n<ConsoleKey>): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const head = table.columns.map((c) => quote(textOf(c.label, i18n)));
  const lines = table.rows.map((r) =>
    table.columns
      .map((c) => {
        const v = r[c.key] ?? null;
        // Numbers and times stay machine-readable; names are translated.
        if (c.role === 'measure' || c.role === 'time') return quote(v === null ? '' : String(v));
        return quote(c.format ? c.format(v, i18n) : v === null ? '' : String(v));
      })
      .join(','),
  );
  return `\uFEFF${[head.join(','), ...lines].join('\r\n')}\r\n`;
}
