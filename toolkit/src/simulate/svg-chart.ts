import { escapeHtml as escapeXml } from '../report/html';

/**
 * Static SVG line charts for the simulation report: axes with round ticks, one polyline per series, a legend. Drawn
 * here rather than by a charting library because the report must open from disk with no script and no network
 * (its CSP allows neither), and these are the only chart kinds it needs.
 */

export interface ChartSeries {
  readonly name: string;
  /** [x, y] points, in x order. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface LineChartProps {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
  /** Draw each series as steps (a value holds until the next point), as CDFs and binned counts are. @default false */
  readonly steps?: boolean;
  /** @default - from the data */
  readonly yMax?: number;
}

const WIDTH = 640;
const HEIGHT = 300;
const PAD = { left: 64, right: 16, top: 32, bottom: 48 };
const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#475569', '#ea580c'];


/** About five round ticks from 0 to the first at or above max (1, 2 or 5 times a power of ten apart). */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  const top = Math.ceil(max / step - 1e-9);
  for (let k = 0; k <= top; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

function label(n: number): string {
  return Math.abs(n) >= 1000 || Number.isInteger(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(Number(n.toPrecision(3)));
}

export function lineChart(props: LineChartProps): string {
  const xs = props.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = props.series.flatMap((s) => s.points.map((p) => p[1]));
  const xTicks = ticks(Math.max(0, ...xs));
  const yTicks = ticks(props.yMax ?? Math.max(0, ...ys));
  const xMax = xTicks[xTicks.length - 1] || 1;
  const yMax = yTicks[yTicks.length - 1] || 1;
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  const px = (x: number) => (PAD.left + (x / xMax) * w).toFixed(1);
  const py = (y: number) => (PAD.top + h - (y / yMax) * h).toFixed(1);
  const parts: string[] = [
    `<svg class="unum-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(props.title)}">`,
    `<text class="title" x="${PAD.left}" y="20">${escapeXml(props.title)}</text>`,
  ];
  for (const t of xTicks) {
    parts.push(`<line class="grid" x1="${px(t)}" x2="${px(t)}" y1="${PAD.top}" y2="${PAD.top + h}"/>`);
    parts.push(`<text class="tick" x="${px(t)}" y="${PAD.top + h + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of yTicks) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${PAD.left + w}" y1="${py(t)}" y2="${py(t)}"/>`);
    parts.push(`<text class="tick" x="${PAD.left - 6}" y="${Number(py(t)) + 4}" text-anchor="end">${label(t)}</text>`);
  }
  parts.push(`<text class="axis" x="${PAD.left + w / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeXml(props.xLabel)}</text>`);
  parts.push(`<text class="axis" transform="translate(14 ${PAD.top + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(props.yLabel)}</text>`);
  props.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts: string[] = [];
    s.points.forEach(([x, y], j) => {
      if (props.steps && j > 0) pts.push(`${px(x)},${py(s.points[j - 1][1])}`);
      pts.push(`${px(x)},${py(y)}`);
    });
    parts.push(`<polyline class="series" data-series="${escapeXml(s.name)}" fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    const ly = PAD.top + 4 + i * 14;
    parts.push(`<rect x="${PAD.left + w - 150}" y="${ly}" width="10" height="3" fill="${color}"/>`);
    parts.push(`<text class="legend" x="${PAD.left + w - 135}" y="${ly + 5}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
