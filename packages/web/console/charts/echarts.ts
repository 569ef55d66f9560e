/**
 * ECharts with only what the console draws (bars, lines, pies; grid, tooltip,
 * legend, accessible descriptions; canvas), in the chunk of the pages that
 * show charts, not in the first load.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type {
  AriaComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | AriaComponentOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

export { echarts };

/** Colours of the current theme, read from the CSS variables. */
export function chartColours() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#e7edf7'),
    muted: v('--muted', '#a7b6cc'),
    border: v('--border', '#2c3d5b'),
    surface: v('--surface', '#121b2e'),
    accent: v('--accent', '#5aa9ff'),
  };
}

/** Series colours that stay apart in both themes. */
export const palette = [
  '#3d8bfd',
  '#2fb36d',
  '#f0a500',
  '#e5484d',
  '#9b7ede',
  '#12a4b4',
  '#d9730d',
  '#8b93a1',
  '#c2459d',
  '#6d9f2c',
];
