/**
 * One dashboard widget: runs its query with the dashboard's filters, shows
 * the answer as its view (figures, chart or table) with loading, empty and
 * error states, and exports it as CSV (and PNG for a chart).
 */
import { useMemo, useRef, useState } from 'react';
import { useResource } from '../../ui/api/use-resource';
import { Empty, ErrorState, Loading } from '../../ui/components/states';
import { Chart, type ChartHandle } from '../charts/Chart';
import { chartColours } from '../charts/echarts';
import { useT } from '../i18n';
import { chartOption } from './chart-option';
import {
  cellText,
  textOf,
  toCsv,
  type DataTable,
  type QueryParams,
  type WidgetSpec,
} from './model';
import { queryById } from './registry';

function download(name: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

const fileStamp = () => new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');

export function TableView(props: { table: DataTable; caption: string }) {
  const i18n = useT();
  const { table } = props;
  return (
    <div className="table-wrap">
      <table className="data">
        <caption className="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.key} scope="col">
                {textOf(c.label, i18n)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r, i) => (
            <tr key={i}>
              {table.columns.map((c) => (
                <td key={c.key}>
                  {c.role === 'time' && typeof r[c.key] === 'string'
                    ? i18n.fmt.short(r[c.key] as string)
                    : cellText(c, r[c.key] ?? null, i18n)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FiguresView(props: {
  table: DataTable;
  label: string;
  value: string;
  large?: boolean;
}) {
  const i18n = useT();
  const labelCol = props.table.columns.find((c) => c.key === props.label);
  return (
    <dl className={`figures${props.large ? ' large' : ''}`}>
      {props.table.rows.map((r) => {
        const key = String(r[props.label]);
        const colour = labelCol?.colour?.(r[props.label] ?? null);
        const v = r[props.value];
        return (
          <div key={key} className="figure" data-testid={`figure-${key}`}>
            <dt>{labelCol ? cellText(labelCol, r[props.label] ?? null, i18n) : key}</dt>
            <dd style={colour ? { color: colour } : undefined}>
              {typeof v === 'number' ? i18n.fmt.number(v) : '—'}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

export function Widget(props: { spec: WidgetSpec; params: QueryParams; refresh: number }) {
  const i18n = useT();
  const { t, locale } = i18n;
  const { spec, params } = props;
  const query = queryById(spec.query);
  const chart = useRef<ChartHandle>(null);
  const [asTable, setAsTable] = useState(false);
  const key = `${spec.query}|${params.adminUnit ?? ''}|${params.from}|${params.to}|${params.bucket}|${props.refresh}`;
  const result = useResource(key, (signal) =>
    query ? query.load(params, signal) : Promise.reject(new Error(`no query ${spec.query}`)),
  );
  const title = textOf(spec.title, i18n);
  const table = result.data;
  const view = spec.view;
  const option = useMemo(
    () =>
      table && view.kind !== 'figures' && view.kind !== 'table'
        ? chartOption(view, table, i18n, title)
        : null,
    // The language and theme change the labels and colours.
    [table, view, i18n, title, locale],
  );
  const isChart = option !== null;
  const empty = table && table.rows.length === 0;

  return (
    <section
      className={`widget span-${spec.span ?? 1}`}
      aria-labelledby={`widget-${spec.id}`}
      data-testid={`widget-${spec.id}`}
    >
      <header className="widget-head">
        <h2 id={`widget-${spec.id}`}>{title}</h2>
        {query && !query.usesPeriod && <span className="badge">{t('dash.now')}</span>}
        <div className="widget-tools">
          {isChart && (
            <button
              type="button"
              className="button small"
              aria-pressed={asTable}
              onClick={() => setAsTable(!asTable)}
            >
              {asTable ? t('dash.showChart') : t('dash.showTable')}
            </button>
          )}
          {isChart && !asTable && !empty && (
            <button
              type="button"
              className="button small"
              data-testid={`export-png-${spec.id}`}
              onClick={() => {
                const url = chart.current?.png(chartColours().surface);
                if (url) download(`cityops-${spec.id}-${fileStamp()}.png`, url);
              }}
            >
              {t('dash.png')}
            </button>
          )}
          {table && (
            <button
              type="button"
              className="button small"
              data-testid={`export-csv-${spec.id}`}
              onClick={() => {
                const url = URL.createObjectURL(
                  new Blob([toCsv(table, i18n)], { type: 'text/csv;charset=utf-8' }),
                );
                download(`cityops-${spec.id}-${fileStamp()}.csv`, url);
                window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
              }}
            >
              {t('dash.csv')}
            </button>
          )}
        </div>
      </header>
      {result.state === 'error' && (
        <ErrorState error={result.error} onRetry={result.reload} compact />
      )}
      {!table && result.state === 'loading' && <Loading />}
      {table && empty && <Empty>{t('dash.empty')}</Empty>}
      {table && !empty && view.kind === 'figures' && (
        <FiguresView table={table} label={view.label} value={view.value} />
      )}
      {table && !empty && (view.kind === 'table' || asTable) && (
        <TableView table={table} caption={title} />
      )}
      {table && !empty && option && !asTable && (
        <Chart ref={chart} option={option} height={spec.span === 3 ? 260 : 240} label={title} />
      )}
    </section>
  );
}
