import { describe, expect, it } from "vitest";
import { renderChartSvg } from "./chart-svg";

const from = new Date("2026-11-16T00:00:00Z");
const to = new Date("2026-11-23T00:00:00Z");
const day = 86_400_000;

describe("renderChartSvg", () => {
  const svg = renderChartSvg({
    title: "Glucose <fasting>",
    unit: "mmol/L",
    from,
    to,
    width: 600,
    height: 200,
    series: [{ name: "glucose", points: [2, 0, 1].map((d) => ({ at: new Date(from.getTime() + d * day), value: 5 + d })) }],
    thresholds: [
      { label: "low < 3.9", value: 3.9, level: "warning" },
      { label: "critical < 3", value: 3, level: "critical" },
    ],
  });

  it("is one well-formed SVG document with escaped text", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200"')).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(svg).toContain("Glucose &lt;fasting&gt;, mmol/L");
    expect(svg).not.toContain("<fasting>");
  });

  it("draws the series left to right in time order inside the plot area", () => {
    const path = /<path class="series" data-series="glucose" d="([^"]+)"/.exec(svg)![1]!;
    const points = path.split(" ").map((p) => p.replace(/^[ML]/, "").split(",").map(Number));
    expect(points).toHaveLength(3);
    const xs = points.map(([x]) => x!);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    // x of day 0 is the left edge (margin 48), day 1 is 1/7 of the 536 px plot further.
    expect(xs[0]).toBe(48);
    expect(xs[1]).toBeCloseTo(48 + 536 / 7, 0);
    // higher values are drawn higher (smaller y)
    const ys = points.map(([, y]) => y!);
    expect(ys[0]!).toBeGreaterThan(ys[1]!);
    expect(ys[1]!).toBeGreaterThan(ys[2]!);
    for (const y of ys) expect(y).toBeGreaterThanOrEqual(28);
    expect(svg.match(/<circle /g)).toHaveLength(3);
  });

  it("draws each threshold as a dashed line at its value, critical in red, below the lowest point", () => {
    const lines = [...svg.matchAll(/<line class="threshold" data-value="([\d.]+)"[^>]*y1="([\d.]+)"[^>]*stroke="(#[0-9a-f]+)"/g)];
    expect(lines.map((m) => [m[1], m[3]])).toEqual([
      ["3.9", "#bf8700"],
      ["3", "#cf222e"],
    ]);
    const pathYs = /d="([^"]+)"/.exec(svg)![1]!.split(" ").map((p) => Number(p.split(",")[1]));
    for (const line of lines) expect(Number(line[2])).toBeGreaterThan(Math.max(...pathYs));
    expect(Number(lines[1]![2])).toBeGreaterThan(Number(lines[0]![2]));
    expect(svg).toContain("critical &lt; 3");
  });

  it("renders an empty chart without a path", () => {
    const empty = renderChartSvg({ title: "SpO2", unit: "%", from, to, series: [{ name: "spo2", points: [] }] });
    expect(empty).not.toContain("<path");
    expect(empty).toContain("—");
  });
});
