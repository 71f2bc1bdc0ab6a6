import { useCallback, useEffect, useState } from "react";
import { errorText } from "./error-text";
import { api, type MonitoringAlert } from "./api";
import { useT } from "./i18n";
import { PatientMonitoring } from "./PatientMonitoring";

interface Props {
  /** Bumped by the live event stream when an alert opens or escalates. */
  live: number;
  /** An alert was acknowledged here: the navigation's count changes too. */
  onChanged: () => void;
  onOpenConsultation: (id: string) => void;
}

/** The doctor's alerts from home readings (own patients and those with no responsible doctor), newest first. */
export function Alerts({ live, onChanged, onOpenConsultation }: Props) {
  const { t, language } = useT();
  const [alerts, setAlerts] = useState<MonitoringAlert[]>([]);
  const [patientId, setPatientId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      api<{ alerts: MonitoringAlert[] }>("/monitoring/alerts")
        .then((r) => setAlerts(r.alerts.filter((a) => a.status !== "resolved")))
        .catch((e) => setError(errorText(t, e))),
    [],
  );
  useEffect(() => void load(), [load, live]);

  const acknowledge = async (id: string) => {
    try {
      await api(`/monitoring/alerts/${id}/acknowledge`, { method: "POST" });
      onChanged();
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  return (
    <section data-testid="alerts-screen">
      <h2>{t("alerts.title")}</h2>
      {error && <p className="error">{error}</p>}
      {alerts.length === 0 && <p className="muted">{t("alerts.empty")}</p>}
      <ul className="cards">
        {alerts.map((a) => (
          <li key={a.id} data-id={a.id} className={a.level.startsWith("critical") ? "critical" : "warning"}>
            <strong>{a.consultation ? t("alerts.patient", { number: a.consultation.number }) : t("alerts.noConsultation")}</strong> ·{" "}
            {t(`protocol.reading.${a.metric}`)}: {a.lastValue} · {t(`monitoring.level.${a.level}`)} · {t(`monitoring.status.${a.status}`)} ·{" "}
            {t("alerts.readings", { count: a.readingsCount })} · {new Date(a.lastAt).toLocaleString(language)}
            {a.status === "open" && (
              <button className="small" onClick={() => acknowledge(a.id)}>
                {t("monitoring.acknowledge")}
              </button>
            )}
            <button className="small" onClick={() => setPatientId(a.patientId)}>
              {t("alerts.show")}
            </button>
            {a.consultation && (
              <button className="small" onClick={() => onOpenConsultation(a.consultation!.id)}>
                {t("alerts.openConsultation")}
              </button>
            )}
          </li>
        ))}
      </ul>
      {patientId && <PatientMonitoring key={`${patientId}-${live}`} patientId={patientId} />}
    </section>
  );
}
