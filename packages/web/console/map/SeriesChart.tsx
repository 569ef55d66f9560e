/** A small chart of one field of an asset's events over the last 24 hours (GET /api/v1/assets/{id}/series). */
import { useMemo } from 'react';
import type { Series } from '@cityops/contracts';
import { api } from '../../ui/api';
import { useResource } from '../../ui/api/use-resource';
import { Empty, ErrorState, Loading } from '../../ui/components/states';
import { Chart } from '../charts/Chart';
import { chartColours, type ChartOption } from '../charts/echarts';
import { useT } from '../i18n';

const DAY_MS = 24 * 3_600_000;

function points(series: Series): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const p of series.points) {
    const v = 'avg' in p ? p.avg : p.value;
    if (v !== null) out.push([p.t, v]);
  }
  return out;
}

export default function SeriesChart(props: {
  assetId: string;
  type: string;
  field: string;
  /** Bumped when a new event of the type arrives. */
  version: number;
}) {
  const { t, fmt, locale } = useT();
  const { assetId, type, field } = props;
  const series = useResource(`${assetId}|${type}|${field}|${props.version}`, (signal) =>
    api.assetLive.series(
      assetId,
      { type, field, from: new Date(Date.now() - DAY_MS).toISOString(), bucket: '15m' },
      signal,
    ),
  );
  const data = series.data ? points(series.data) : [];
  const label = t('panel.chartLabel', { field, type });
  const option = useMemo<ChartOption>(() => {
    const c = chartColours();
    return {
      aria: { enabled: true, label: { description: label } },
      animation: false,
      grid: { left: 4, right: 8, top: 8, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        confine: true,
        valueFormatter: (v) => (typeof v === 'number' ? fmt.number(Math.round(v * 100) / 100) : ''),
      },
      xAxis: {
        type: 'category',
        data: data.map(([t]) => fmt.clock(t).slice(0, 5)),
        axisLabel: { color: c.muted, hideOverlap: true },
        axisLine: { lineStyle: { color: c.border } },
      },
      yAxis: {
        type: 'value',
        scale: true,
        axisLabel: { color: c.muted },
        splitLine: { lineStyle: { color: c.border, opacity: 0.5 } },
      },
      series: [
        {
          type: 'line',
          name: field,
          data: data.map(([, v]) => v),
          showSymbol: data.length < 30,
          lineStyle: { color: c.accent },
          itemStyle: { color: c.accent },
          areaStyle: { color: c.accent, opacity: 0.12 },
        },
      ],
    };
    // The language changes the time labels.
  }, [series.data, label, locale]);
  if (series.state === 'error')
    return <ErrorState error={series.error} onRetry={series.reload} compact />;
  if (!series.data) return <Loading />;
  if (data.length === 0) return <Empty>{t('panel.noSeries')}</Empty>;
  return <Chart option={option} height={150} label={label} testId="series-chart" />;
}
