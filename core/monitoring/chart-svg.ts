/**
 * A self-contained SVG line chart (no framework, no DOM) for readings over time with threshold lines:
 * the api serves it as an image and the console can inline the same string.
 */
export interface ChartPoint {
  at: Date | string;
  value: number;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
  color?: string;
}

export interface ChartThreshold {
  label: string;
  value: number;
  level: "critical" | "warning";
}

export interface ChartInput {
  title: string;
  unit: string;
  from: Date | string;
  to: Date | string;
  series: ChartSeries[];
  thresholds?: ChartThreshold[];
  width?: number;
  height?: number;
}

const palette = ["#1f6feb", "#8250df", "#1a7f37", "#bf8700"];
const margin = { top: 28, right: 16, bottom: 28, left: 48 };

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
const fixed = (n: number) => Number(n.toFixed(1));
const time = (at: Date | string) => (at instanceof Date ? at : new Date(at)).getTime();

/** A "nice" step for about five gridlines. */
function niceStep(span: number): number {
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((step) => step >= raw) ?? raw;
}

export function renderChartSvg(input: ChartInput): string {
  const width = input.width ?? 640;
  const height = input.height ?? 240;
  const t0 = time(input.from);
  const t1 = Math.max(time(input.to), t0 + 1);
  const values = [...input.series.flatMap((s) => s.points.map((p) => p.value)), ...(input.thresholds ?? []).map((t) => t.value)];
  let min = values.length ? Math.min(...values) : 0;
  let max = values.length ? Math.max(...values) : 1;
  if (max - min < 1e-9) [min, max] = [min - 1, max + 1];
  const step = niceStep(max - min);
  min = Math.floor(min / step) * step;
  max = Math.ceil(max / step) * step;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const x = (at: Date | string) => fixed(margin.left + ((time(at) - t0) / (t1 - t0)) * plotW);
  const y = (value: number) => fixed(margin.top + (1 - (value - min) / (max - min)) * plotH);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(input.title)}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${margin.left}" y="18" font-family="sans-serif" font-size="13" fill="#24292f">${escapeXml(`${input.title}, ${input.unit}`)}</text>`,
  ];
  for (let v = min; v <= max + step / 2; v += step) {
    const label = fixed(v);
    parts.push(
      `<line class="grid" x1="${margin.left}" x2="${width - margin.right}" y1="${y(v)}" y2="${y(v)}" stroke="#d0d7de" stroke-width="1"/>`,
      `<text x="${margin.left - 6}" y="${y(v) + 4}" text-anchor="end" font-family="sans-serif" font-size="10" fill="#57606a">${label}</text>`,
    );
  }
  const dateLabel = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  parts.push(
    `<text x="${margin.left}" y="${height - 8}" font-family="sans-serif" font-size="10" fill="#57606a">${dateLabel(t0)}</text>`,
    `<text x="${width - margin.right}" y="${height - 8}" text-anchor="end" font-family="sans-serif" font-size="10" fill="#57606a">${dateLabel(t1)}</text>`,
  );
  for (const threshold of input.thresholds ?? []) {
    const color = threshold.level === "critical" ? "#cf222e" : "#bf8700";
    parts.push(
      `<line class="threshold" data-value="${threshold.value}" x1="${margin.left}" x2="${width - margin.right}" y1="${y(threshold.value)}" y2="${y(threshold.value)}" stroke="${color}" stroke-width="1" stroke-dasharray="6 4"/>`,
      `<text x="${width - margin.right - 2}" y="${y(threshold.value) - 3}" text-anchor="end" font-family="sans-serif" font-size="10" fill="${color}">${escapeXml(threshold.label)}</text>`,
    );
  }
  input.series.forEach((series, index) => {
    const color = series.color ?? palette[index % palette.length]!;
    const points = [...series.points].sort((a, b) => time(a.at) - time(b.at));
    if (points.length > 1) {
      const path = points.map((p, i) => `${i ? "L" : "M"}${x(p.at)},${y(p.value)}`).join(" ");
      parts.push(`<path class="series" data-series="${escapeXml(series.name)}" d="${path}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    }
    for (const p of points) parts.push(`<circle cx="${x(p.at)}" cy="${y(p.value)}" r="2.5" fill="${color}"/>`);
    parts.push(
      `<text x="${margin.left + 8 + index * 110}" y="${margin.top + 12}" font-family="sans-serif" font-size="11" fill="${color}">${escapeXml(series.name)}</text>`,
    );
  });
  if (!input.series.some((s) => s.points.length)) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-family="sans-serif" font-size="12" fill="#57606a">—</text>`);
  }
  parts.push("</svg>");
  return parts.join("");
}
