/** An ECharts chart as a React component: created once, updated in place, resized with its box, disposed on unmount. */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { useTheme } from '../../ui/theme';
import { echarts, type ChartOption } from './echarts';

export interface ChartHandle {
  /** The chart as a PNG data URL, on the theme's background. */
  png: (background: string) => string | null;
}

export const Chart = forwardRef<
  ChartHandle,
  { option: ChartOption; height: number; label: string; testId?: string }
>(function Chart(props, ref) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const { theme } = useTheme();

  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(props.option, { notMerge: true, lazyUpdate: true });
  }, [props.option, theme]);

  useImperativeHandle(ref, () => ({
    png: (background) =>
      chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background }) ??
      null,
  }));

  return (
    <div
      ref={box}
      className="chart"
      style={{ height: props.height }}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
    />
  );
});
