/** Turns a query's table into the ECharts option of a widget's view: pivots, labels, colours. */
import type { I18n } from '../../ui/i18n/i18n';
import type { ConsoleKey } from '../messages';
import { chartColours, palette, type ChartOption } from '../charts/echarts';
import { cellText, type Cell, type Column, type DataTable, type WidgetView } from './model';

interface Pivot {
  x: Cell[];
  series: Cell[];
  /** values[s][i]: the value of series s at x[i]. */
  values: number[][];
}

function ordered(col: Column | undefined, values: Cell[]): Cell[] {
  const unique = [...new Set(values)];
  if (!col?.order) return unique;
  const order = col.order;
  return unique.sort((a, b) => {
    const ia = order.indexOf(String(a));
    const ib = order.indexOf(String(b));
    return (ia === -1 ? 999 : ia) - (ib === -1 ? 999 : ib);
  });
}

function pivot(table: DataTable, x: string, value: string, series?: string): Pivot {
  const col = (k: string) => table.columns.find((c) => c.key === k);
  const xs = ordered(
    col(x),
    table.rows.map((r) => r[x] ?? null),
  );
  const ss = series
    ? ordered(
        col(series),
        table.rows.map((r) => r[series] ?? null),
      )
    : [null];
  const values = ss.map(() => xs.map(() => 0));
  for (const r of table.rows) {
    const i = xs.indexOf(r[x] ?? null);
    const s = series ? ss.indexOf(r[series] ?? null) : 0;
    values[s]![i]! += Number(r[value] ?? 0);
  }
  return { x: xs, series: ss, values };
}

function timeLabel(value: Cell, bucket: 'hour' | 'day' | undefined, i18n: I18n<ConsoleKey>) {
  if (typeof value !== 'string') return String(value);
  return bucket === 'day' ? i18n.fmt.dayMonth(value) : i18n.fmt.short(value);
}

export function chartOption(
  view: Exclude<WidgetView, { kind: 'figures' } | { kind: 'table' }>,
  table: DataTable,
  i18n: I18n<ConsoleKey>,
  title: string,
): ChartOption {
  const c = chartColours();
  const col = (k: string) => table.columns.find((x) => x.key === k)!;
  const text = { color: c.text };
  const base: ChartOption = {
    aria: { enabled: true, label: { description: title } },
    textStyle: { color: c.text, fontFamily: 'system-ui, sans-serif' },
    color: palette,
    tooltip: { trigger: view.kind === 'pie' ? 'item' : 'axis', confine: true },
    animation: false,
  };
  if (view.kind === 'pie') {
    const nameCol = col(view.name);
    return {
      ...base,
      legend: { bottom: 0, textStyle: text, type: 'scroll' },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          top: 0,
          bottom: 28,
          label: { color: c.text, formatter: '{b}: {c}' },
          data: table.rows.map((r) => {
            const v = r[view.name] ?? null;
            const colour = nameCol.colour?.(v);
            return {
              name: cellText(nameCol, v, i18n),
              value: Number(r[view.value] ?? 0),
              ...(colour ? { itemStyle: { color: colour } } : {}),
            };
          }),
        },
      ],
    };
  }
  const xCol = col(view.x);
  const sCol = view.series ? col(view.series) : undefined;
  const p = pivot(table, view.x, view.value, view.series);
  const isTime = xCol.role === 'time';
  const labels = p.x.map((v) =>
    isTime ? timeLabel(v, table.bucket, i18n) : cellText(xCol, v, i18n),
  );
  const axisLine = { lineStyle: { color: c.border } };
  const category = {
    type: 'category' as const,
    data: labels,
    axisLabel: { color: c.muted, hideOverlap: true },
    axisLine,
  };
  const numeric = {
    type: 'value' as const,
    minInterval: 1,
    axisLabel: { color: c.muted },
    splitLine: { lineStyle: { color: c.border, opacity: 0.5 } },
  };
  const horizontal = view.kind === 'bar' && view.horizontal;
  return {
    ...base,
    legend: sCol ? { top: 0, textStyle: text, type: 'scroll' } : { show: false },
    grid: { left: 8, right: 16, top: sCol ? 32 : 12, bottom: 8, containLabel: true },
    xAxis: horizontal ? numeric : category,
    yAxis: horizontal ? { ...category, inverse: true } : numeric,
    series: p.series.map((s, i) => {
      const colour = sCol?.colour?.(s);
      const name = sCol ? cellText(sCol, s, i18n) : i18n.t('dash.count');
      return view.kind === 'bar'
        ? {
            type: 'bar' as const,
            name,
            stack: 'total',
            data: p.values[i]!,
            ...(colour ? { itemStyle: { color: colour } } : {}),
          }
        : {
            type: 'line' as const,
            name,
            data: p.values[i]!,
            showSymbol: p.x.length < 40,
            smooth: false,
            ...(colour ? { itemStyle: { color: colour }, lineStyle: { color: colour } } : {}),
          };
    }),
  };
}
