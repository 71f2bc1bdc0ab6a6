import { useEffect, useState } from "react";
import { errorText } from "./error-text";
import { api, type MonitoringAlert } from "./api";
import { useT } from "./i18n";

const windows = ["day", "week", "month"] as const;
const kinds = ["blood_pressure", "glucose", "heart_rate", "spo2", "weight"] as const;

interface LabOrder {
  id: string;
  number: number;
  status: string;
  labName: string | null;
  results: Array<{ code: string; display: string | null; value: string | null; unit: string | null; referenceRange: string | null; interpretation: string | null; abnormal: boolean }>;
}
interface Reminders {
  missedDoses: number;
  takenDoses: number;
  schedules: Array<{ id: string; medicine: string; dose: string; timesOfDay: string[] }>;
}

/**
 * The patient between consultations, for the doctor: home readings as charts with the thresholds drawn,
 * alerts, medication adherence (missed doses) and lab results with their reference ranges and flags.
 */
export function PatientMonitoring({ patientId }: { patientId: string }) {
  const { t, language } = useT();
  const [window, setWindow] = useState<(typeof windows)[number]>("week");
  const [kind, setKind] = useState<(typeof kinds)[number]>("blood_pressure");
  const [alerts, setAlerts] = useState<MonitoringAlert[]>([]);
  const [orders, setOrders] = useState<LabOrder[]>([]);
  const [reminders, setReminders] = useState<Reminders | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadAlerts = () => api<{ alerts: MonitoringAlert[] }>(`/monitoring/alerts?patientId=${patientId}`).then((r) => setAlerts(r.alerts));
  useEffect(() => {
    const fail = (e: unknown) => setError(errorText(t, e));
    void loadAlerts().catch(fail);
    void api<{ orders: LabOrder[] }>(`/patients/${patientId}/lab-orders`).then((r) => setOrders(r.orders), fail);
    void api<Reminders>(`/patients/${patientId}/reminders`).then(setReminders, fail);
  }, [patientId]);

  const acknowledge = async (id: string) => {
    try {
      await api(`/monitoring/alerts/${id}/acknowledge`, { method: "POST" });
      await loadAlerts();
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  return (
    <section className="monitoring" data-testid="monitoring">
      <h3>{t("monitoring.title")}</h3>
      {error && <p className="error">{error}</p>}
      <div className="row">
        <select aria-label={t("monitoring.kind")} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`protocol.reading.${k}`)}
            </option>
          ))}
        </select>
        {windows.map((w) => (
          <button key={w} className={w === window ? "small active" : "small"} onClick={() => setWindow(w)}>
            {t(`monitoring.window.${w}`)}
          </button>
        ))}
      </div>
      <img className="chart" data-testid="chart" alt={t(`protocol.reading.${kind}`)} src={`/api/v1/patients/${patientId}/readings/chart.svg?kind=${kind}&window=${window}&lang=${language}`} />
      {alerts.length > 0 && (
        <ul className="previous" data-testid="alerts">
          {alerts.map((a) => (
            <li key={a.id} className={a.level.startsWith("critical") ? "tag red" : "tag amber"}>
              {t(`protocol.reading.${a.metric}`)}: {a.lastValue} · {t(`monitoring.level.${a.level}`)} · {t(`monitoring.status.${a.status}`)} ·{" "}
              {new Date(a.openedAt).toLocaleString(language)}
              {a.status === "open" && (
                <button className="small" onClick={() => acknowledge(a.id)}>
                  {t("monitoring.acknowledge")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {reminders && reminders.schedules.length > 0 && (
        <p data-testid="adherence">
          {t("monitoring.adherence", { taken: reminders.takenDoses, missed: reminders.missedDoses })} ·{" "}
          {reminders.schedules.map((s) => `${s.medicine} ${s.dose} (${s.timesOfDay.join(", ")})`).join("; ")}
        </p>
      )}
      {orders.map((order) => (
        <table key={order.id} className="answers" data-testid="lab-order">
          <caption>
            {t("monitoring.labOrder", { number: order.number })} · {order.labName ?? "—"} · {t(`monitoring.labStatus.${order.status}`)}
          </caption>
          <tbody>
            {order.results.map((r) => (
              <tr key={r.code} className={r.abnormal ? "abnormal" : ""}>
                <th>{r.display ?? r.code}</th>
                <td>
                  {r.value} {r.unit}
                </td>
                <td className="muted">{r.referenceRange}</td>
                <td>{r.interpretation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
