import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJs,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
} from "chart.js";
import { useState } from "react";
import { Bar, Chart, Line } from "react-chartjs-2";
import type { Analytics, Dimension } from "../../core/analytics/analytics-schema";
import { useT } from "./i18n";

// Only what these charts draw: Chart.js is tree-shaken to these parts. It draws on canvas and sizes it through the
// CSSOM, which the console's CSP (no inline style attributes) allows.
ChartJs.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

const palette = ["#1f6feb", "#e8590c", "#2f9e44", "#c62828", "#7048e8", "#0c8599", "#b26a00", "#d6336c", "#5c677d", "#94d82d"];
const stacked: ChartOptions<"bar"> = {
  maintainAspectRatio: false,
  animation: false,
  scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
};
const lines: ChartOptions<"line"> = { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } };
const toMinutes = (seconds: number | null) => (seconds === null ? null : Math.round(seconds / 6) / 10);

export function AnalyticsCharts({ report, keyName }: { report: Analytics; keyName: (dimension: Dimension, key: string) => string }) {
  const { t } = useT();
  const [dimension, setDimension] = useState<Dimension>("specialty");
  const labels = report.periods.map((p) => p.start);
  const series = (label: string, data: Array<number | null>, i: number) => ({ label, data, backgroundColor: palette[i % palette.length], borderColor: palette[i % palette.length] });
  const groups = report.groups[dimension];

  return (
    <div className="charts">
      <figure>
        <figcaption>
          {t("analytics.consultationsBy")}{" "}
          <select value={dimension} onChange={(e) => setDimension(e.target.value as Dimension)} aria-label={t("analytics.dimensionPick")}>
            {(["specialty", "language", "channel", "outcome"] as const).map((d) => (
              <option key={d} value={d}>
                {t(`analytics.dimension.${d}`)}
              </option>
            ))}
          </select>
        </figcaption>
        <div className="chart-box">
          <Bar
            data-testid="chart-groups"
            options={stacked}
            data={{ labels, datasets: groups.map((g, i) => series(keyName(dimension, g.key), g.byPeriod, i)) }}
          />
        </div>
      </figure>
      <figure>
        <figcaption>{t("analytics.waits")}</figcaption>
        <div className="chart-box">
          <Line
            data-testid="chart-waits"
            options={lines}
            data={{
              labels,
              datasets: [
                series(t("analytics.firstReplyMedian"), report.periods.map((p) => toMinutes(p.firstReply.medianSeconds)), 0),
                series(t("analytics.firstReplyP90"), report.periods.map((p) => toMinutes(p.firstReply.p90Seconds)), 1),
                series(t("analytics.callMedian"), report.periods.map((p) => toMinutes(p.call.medianSeconds)), 2),
                series(t("analytics.callP90"), report.periods.map((p) => toMinutes(p.call.p90Seconds)), 3),
              ],
            }}
          />
        </div>
      </figure>
      <figure>
        <figcaption>{t("analytics.bookings")}</figcaption>
        <div className="chart-box">
          <Bar
            data-testid="chart-bookings"
            options={stacked}
            data={{
              labels,
              datasets: [
                series(t("analytics.completed"), report.periods.map((p) => p.bookings.completed), 2),
                series(t("analytics.noShows"), report.periods.map((p) => p.bookings.noShows), 3),
                series(t("analytics.cancelled"), report.periods.map((p) => p.bookings.cancelled), 8),
                series(t("analytics.upcoming"), report.periods.map((p) => p.bookings.upcoming), 0),
              ],
            }}
          />
        </div>
      </figure>
      <figure>
        <figcaption>{t("analytics.safetyAndNps")}</figcaption>
        <div className="chart-box">
          <Chart
            type="bar"
            data-testid="chart-nps"
            options={{ maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, nps: { position: "right", min: -100, max: 100 } } }}
            data={{
              labels,
              datasets: [
                { type: "bar" as const, ...series(t("analytics.redFlags"), report.periods.map((p) => p.redFlags), 3) },
                { type: "bar" as const, ...series(t("analytics.escalations"), report.periods.map((p) => p.escalations), 6) },
                { type: "line" as const, ...series(t("analytics.nps"), report.periods.map((p) => p.ratings.nps), 4), yAxisID: "nps" },
              ],
            }}
          />
        </div>
      </figure>
    </div>
  );
}
