import type { ChartInput, ChartThreshold } from "./chart-svg";
import type { ReadingKind } from "./reading";
import type { ReadingsChart } from "./reading-service";
import type { Limits } from "./thresholds";

/** The chart's words in the console's language: `console:chart.*` in locales/{ru,en}/console.json. */
export type ChartWords = (key: string, options?: Record<string, unknown>) => string;

function lines(words: ChartWords, series: string, limits: Limits): ChartThreshold[] {
  const out: ChartThreshold[] = [];
  const line = (level: "criticalHigh" | "high" | "low" | "criticalLow", value: number | undefined) => {
    if (value === undefined) return;
    out.push({ label: words(`chart.threshold.${level}`, { series, value }).trim(), value, level: level.startsWith("critical") ? "critical" : "warning" });
  };
  line("criticalHigh", limits.criticalHigh);
  line("high", limits.high);
  line("low", limits.low);
  line("criticalLow", limits.criticalLow);
  return out;
}

/** One kind of a patient's readings as chart input: blood pressure as two lines with both sets of thresholds. */
export function chartInputFor(chart: ReadingsChart, kind: ReadingKind, words: ChartWords): ChartInput {
  const series = chart.series.find((s) => s.kind === kind);
  const points = series?.points ?? [];
  const title = words(`chart.title.${kind}`);
  const base = { title, unit: words(`chart.unit.${kind}`), from: chart.from, to: chart.to };
  if (kind === "blood_pressure") {
    const systolic = words("chart.systolic");
    const diastolic = words("chart.diastolic");
    return {
      ...base,
      series: [
        { name: systolic, points: points.map((p) => ({ at: p.at, value: p.value })) },
        { name: diastolic, points: points.map((p) => ({ at: p.at, value: p.value2 ?? p.value })) },
      ],
      thresholds: [...lines(words, words("chart.sys"), chart.thresholds.systolic), ...lines(words, words("chart.dia"), chart.thresholds.diastolic)],
    };
  }
  return { ...base, series: [{ name: title, points: points.map((p) => ({ at: p.at, value: p.value })) }], thresholds: lines(words, "", chart.thresholds[kind]) };
}
