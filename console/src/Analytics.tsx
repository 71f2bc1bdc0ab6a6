import { useEffect, useState } from "react";
import { errorText } from "./error-text";
import { api } from "./api";
import { AnalyticsCharts } from "./AnalyticsCharts";
import { CoverageAnalytics } from "./CoverageAnalytics";
import type { Analytics as Report, Dimension } from "../../core/analytics/analytics-schema";
import { useT } from "./i18n";
import { languageName, useSpecialties } from "./words";

const granularities = ["day", "week", "month"] as const;
const dimensions: Dimension[] = ["specialty", "language", "channel", "outcome"];
const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const isoDay = (date: Date) => date.toLocaleDateString("sv-SE", { timeZone });

/** Minutes with one decimal, or a dash when nothing was measured. */
export const minutes = (seconds: number | null) => (seconds === null ? "—" : (seconds / 60).toFixed(1));
const percent = (value: number | null) => (value === null ? "—" : `${value}`);

/** The admin's analytics: waits, groups, bookings and NPS for a range, with charts, tables and a CSV download. */
export function Analytics() {
  const { t, language } = useT();
  const specialties = useSpecialties();
  const [range, setRange] = useState(() => ({
    from: isoDay(new Date(Date.now() - 29 * 86_400_000)),
    to: isoDay(new Date()),
    granularity: "day" as (typeof granularities)[number],
  }));
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const [rebuilt, setRebuilt] = useState(0);
  const query = new URLSearchParams({ ...range, timeZone }).toString();

  useEffect(() => {
    let cancelled = false;
    api<Report>(`/analytics?${query}`).then(
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
  }, [query, rebuilt]);

  const refresh = async () => {
    setRefreshing(true);
    try {
      await api(`/analytics/refresh?${new URLSearchParams({ timeZone })}`, { method: "POST" });
      setRebuilt((n) => n + 1);
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setRefreshing(false);
    }
  };

  const keyName = (dimension: Dimension, key: string) =>
    dimension === "specialty"
      ? specialties.name(key)
      : dimension === "language"
        ? languageName(language, key)
        : t(`analytics.${dimension}.${key}`, { defaultValue: key });
  const total = report?.total;

  return (
    <section className="analytics" data-testid="analytics">
      <h2>{t("analytics.title")}</h2>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="check">
          {t("analytics.from")}
          <input type="date" name="from" value={range.from} max={range.to} onChange={(e) => e.target.value && setRange({ ...range, from: e.target.value })} />
        </label>
        <label className="check">
          {t("analytics.to")}
          <input type="date" name="to" value={range.to} min={range.from} onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })} />
        </label>
        <div className="tabs" role="group" aria-label={t("analytics.granularity")}>
          {granularities.map((g) => (
            <button type="button" key={g} className={range.granularity === g ? "active" : ""} onClick={() => setRange({ ...range, granularity: g })}>
              {t(`analytics.by.${g}`)}
            </button>
          ))}
        </div>
        <a className="button" href={`/api/v1/analytics.csv?${query}`} download data-testid="analytics-csv">
          {t("analytics.csv")}
        </a>
      </form>
      {error && <p className="error">{error}</p>}
      {!report && !error && <p className="loading">…</p>}
      {report && total && (
        <>
          <p className="muted" data-testid="analytics-as-of">
            {t("analytics.zone", { zone: report.timeZone })}{" "}
            {t("analytics.asOf", { time: new Date(report.refreshedAt).toLocaleString(language === "ru" ? "ru-RU" : "en-GB") })}{" "}
            <button type="button" className="small" onClick={refresh} disabled={refreshing}>
              {t("analytics.refresh")}
            </button>
          </p>
          <dl className="kpis" data-testid="analytics-kpis">
            <Kpi label={t("analytics.consultations")} value={String(total.consultations)} id="consultations" />
            <Kpi label={t("analytics.firstReply")} value={`${minutes(total.firstReply.medianSeconds)} / ${minutes(total.firstReply.p90Seconds)}`} id="first-reply" />
            <Kpi label={t("analytics.callWait")} value={`${minutes(total.call.medianSeconds)} / ${minutes(total.call.p90Seconds)}`} id="call-wait" />
            <Kpi label={t("analytics.redFlags")} value={String(total.redFlags)} id="red-flags" />
            <Kpi label={t("analytics.escalations")} value={String(total.escalations)} id="escalations" />
            <Kpi label={t("analytics.conversion")} value={percent(total.bookings.conversion)} id="conversion" />
            <Kpi label={t("analytics.noShows")} value={String(total.bookings.noShows)} id="no-shows" />
            <Kpi label={t("analytics.nps")} value={percent(total.ratings.nps)} id="nps" />
          </dl>
          <AnalyticsCharts report={report} keyName={keyName} />
          <div className="analytics-tables">
            {dimensions.map((dimension) => (
              <div key={dimension} className="table-scroll">
                <table className="grid" data-testid={`analytics-${dimension}`}>
                  <caption>{t(`analytics.dimension.${dimension}`)}</caption>
                  <tbody>
                    {report.groups[dimension].map((g) => (
                      <tr key={g.key}>
                        <th>{keyName(dimension, g.key)}</th>
                        <td>{g.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </div>
          <h3>{t("analytics.npsByDoctor")}</h3>
          <div className="table-scroll">
            <table className="grid" data-testid="analytics-doctors">
              <thead>
                <tr>
                  <th>{t("analytics.doctor")}</th>
                  <th>{t("analytics.nps")}</th>
                  <th>{t("analytics.ratings")}</th>
                  <th>{t("analytics.promoters")}</th>
                  <th>{t("analytics.passives")}</th>
                  <th>{t("analytics.detractors")}</th>
                </tr>
              </thead>
              <tbody>
                {report.doctors.map((d) => (
                  <tr key={d.doctorId ?? "none"}>
                    <th>{d.name ?? t("analytics.noDoctor")}</th>
                    <td>{percent(d.nps)}</td>
                    <td>{d.ratings}</td>
                    <td>{d.promoters}</td>
                    <td>{d.passives}</td>
                    <td>{d.detractors}</td>
                  </tr>
                ))}
                {report.doctors.length === 0 && (
                  <tr>
                    <td colSpan={6} className="muted">
                      {t("analytics.noRatings")}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
      <CoverageAnalytics from={range.from} to={range.to} />
    </section>
  );
}

function Kpi({ label, value, id }: { label: string; value: string; id: string }) {
  return (
    <div className="kpi" data-testid={`kpi-${id}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
