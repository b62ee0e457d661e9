import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  /** Categories along x (bucket names, week starts, dates). */
  labels: string[];
  /** A null value is drawn as a gap (no data), never as zero. */
  series: { label: string; values: (number | null)[]; color: string }[];
  kind: 'bars' | 'line';
  /** Tick and legend text of a y value (cents as euros...). */
  format: (v: number) => string;
  height?: number;
  title: string;
}

/**
 * A uPlot chart drawn on a canvas sized to its container. It is a picture for the eyes: each chart on a page comes
 * with the same figures in a table for screen readers and keyboard users (aria-hidden here).
 */
export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    // no 2D canvas (blocked by the browser, or a DOM without one): no picture, the table beside it has the figures
    if (!el || !document.createElement('canvas').getContext('2d')) return;
    const xs = props.labels.map((_, i) => i);
    const bars = uPlot.paths.bars?.({ size: [0.6, 80] });
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: props.height ?? 240,
      legend: { show: props.series.length > 1 },
      cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, xs.length - 0.5] } },
      axes: [
        { values: (_u, ticks) => ticks.map((i) => props.labels[i] ?? ''), splits: () => xs, stroke: '#333' },
        { values: (_u, ticks) => ticks.map(props.format), size: 80, stroke: '#333' },
      ],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: props.kind === 'bars' ? s.color : undefined,
          width: props.kind === 'line' ? 2 : 0,
          paths: props.kind === 'bars' ? bars : undefined,
          points: { show: props.kind === 'line' },
        })),
      ],
    };
    const plot = new uPlot(opts, [xs, ...props.series.map((s) => s.values)], el);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, el.clientWidth), height: props.height ?? 240 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify(props.labels), JSON.stringify(props.series)]);
  return <div class="chart" ref={box} aria-hidden="true" data-chart={props.title} />;
}
