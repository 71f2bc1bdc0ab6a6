import type { ChartInput, ChartThreshold } from "./chart-svg";
import type { ReadingKind } from "./reading";
import type { ReadingsChart } from "./reading-service";
import type { Limits } from "./thresholds";

const titles: Record<ReadingKind, string> = {
  blood_pressure: "Blood pressure",
  heart_rate: "Heart rate",
  glucose: "Glucose",
  spo2: "SpO2",
  weight: "Weight",
};

function lines(prefix: string, limits: Limits): ChartThreshold[] {
  const out: ChartThreshold[] = [];
  if (limits.criticalHigh !== undefined) out.push({ label: `${prefix}critical ≥ ${limits.criticalHigh}`, value: limits.criticalHigh, level: "critical" });
  if (limits.high !== undefined) out.push({ label: `${prefix}high ≥ ${limits.high}`, value: limits.high, level: "warning" });
  if (limits.low !== undefined) out.push({ label: `${prefix}low < ${limits.low}`, value: limits.low, level: "warning" });
  if (limits.criticalLow !== undefined) out.push({ label: `${prefix}critical < ${limits.criticalLow}`, value: limits.criticalLow, level: "critical" });
  return out;
}

/** One kind of a patient's readings as chart input: blood pressure as two lines with both sets of thresholds. */
export function chartInputFor(chart: ReadingsChart, kind: ReadingKind): ChartInput {
  const series = chart.series.find((s) => s.kind === kind);
  const points = series?.points ?? [];
  const base = { title: titles[kind], unit: series?.unit ?? "", from: chart.from, to: chart.to };
  if (kind === "blood_pressure") {
    return {
      ...base,
      unit: "mmHg",
      series: [
        { name: "systolic", points: points.map((p) => ({ at: p.at, value: p.value })) },
        { name: "diastolic", points: points.map((p) => ({ at: p.at, value: p.value2 ?? p.value })) },
      ],
      thresholds: [...lines("SYS ", chart.thresholds.systolic), ...lines("DIA ", chart.thresholds.diastolic)],
    };
  }
  return { ...base, series: [{ name: titles[kind], points: points.map((p) => ({ at: p.at, value: p.value })) }], thresholds: lines("", chart.thresholds[kind]) };
}
