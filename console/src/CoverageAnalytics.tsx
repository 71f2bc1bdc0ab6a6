import { useEffect, useState } from "react";
import { Chart } from "react-chartjs-2";
import { errorText } from "./error-text";
import { api } from "./api";
import { useT } from "./i18n";
import type { CoverageReport } from "./rota-types";
import { languageName, useSpecialties } from "./words";

const share = (part: number, whole: number) => (whole === 0 ? "—" : `${Math.round((part / whole) * 100)}`);

/**
 * Cover over the analytics range (GET /coverage, issue 22): required, doctor-covered and interpreter-only hours per
 * specialty and language, and how long patients waited for a first reply by the hour (Moscow) they wrote in.
 * The analytics screen registers Chart.js's parts (AnalyticsCharts.tsx).
 */
export function CoverageAnalytics({ from, to }: { from: string; to: string }) {
  const { t, language } = useT();
  const specialties = useSpecialties();
  const [report, setReport] = useState<CoverageReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    api<CoverageReport>(`/coverage?${new URLSearchParams({ from, to })}`).then(
      (r) => {
        if (cancelled) return;
        setReport(r);
        setError(null);
      },
      (e) => !cancelled && setError(errorText(t, e)),
    );
    return () => {
      cancelled = true;
    };
  }, [from, to]);

  if (error) return <p className="error">{error}</p>;
  if (!report) return <p className="loading">…</p>;
  const hours = report.waitsByHour.map((w) => String(w.hour).padStart(2, "0"));
  return (
    <section className="coverage-analytics" data-testid="coverage-analytics">
      <h3>{t("coverage.title")}</h3>
      <p className="muted">{t("coverage.explain", { zone: report.timeZone })}</p>
      <div className="table-scroll">
        <table className="grid" data-testid="coverage-covered">
          <thead>
            <tr>
              <th>{t("rota.specialty")}</th>
              <th>{t("rules.language")}</th>
              <th>{t("coverage.required")}</th>
              <th>{t("coverage.covered")}</th>
              <th>{t("coverage.interpreter")}</th>
              <th>{t("coverage.share")}</th>
            </tr>
          </thead>
          <tbody>
            {report.covered.map((c) => (
              <tr key={`${c.specialty}-${c.language}`} data-row={`${c.specialty}-${c.language}`}>
                <th>{specialties.name(c.specialty)}</th>
                <th>{languageName(language, c.language)}</th>
                <td>{c.requiredHours}</td>
                <td>{c.coveredHours}</td>
                <td>{c.interpreterHours}</td>
                <td className={c.requiredHours > 0 && c.coveredHours < c.requiredHours ? "warn" : ""}>{share(c.coveredHours, c.requiredHours)}</td>
              </tr>
            ))}
            {report.covered.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {t("coverage.noRules")}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <figure className="charts-single">
        <figcaption>{t("coverage.waitsByHour")}</figcaption>
        <div className="chart-box">
          <Chart
            type="bar"
            data-testid="chart-waits-by-hour"
            options={{ maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, minutes: { position: "right", beginAtZero: true } } }}
            data={{
              labels: hours,
              datasets: [
                { type: "bar" as const, label: t("coverage.consultations"), data: report.waitsByHour.map((w) => w.consultations), backgroundColor: "#1f6feb" },
                { type: "line" as const, label: t("coverage.medianReply"), data: report.waitsByHour.map((w) => w.medianFirstReplyMinutes), borderColor: "#e8590c", backgroundColor: "#e8590c", yAxisID: "minutes" },
              ],
            }}
          />
        </div>
      </figure>
      <div className="table-scroll">
        <table className="grid hours" data-testid="coverage-waits">
          <thead>
            <tr>
              <th>{t("coverage.hour")}</th>
              {hours.map((h) => (
                <th key={h}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th>{t("coverage.consultations")}</th>
              {report.waitsByHour.map((w) => (
                <td key={w.hour}>{w.consultations}</td>
              ))}
            </tr>
            <tr>
              <th>{t("coverage.medianReply")}</th>
              {report.waitsByHour.map((w) => (
                <td key={w.hour}>{w.medianFirstReplyMinutes ?? "—"}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}
