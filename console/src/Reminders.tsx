import { useCallback, useEffect, useState, type FormEvent } from "react";
import { errorText } from "./error-text";
import { api } from "./api";
import { useT } from "./i18n";

interface Schedule {
  id: string;
  medicine: string;
  dose: string;
  timesOfDay: string[];
  startDate: string;
  endDate: string;
  cancelledAt: string | null;
}
interface Occurrence {
  id: string;
  kind: "medication" | "appointment" | "follow_up" | "rating";
  status: string;
  dueAt: string;
  answer: string | null;
  payload: { question?: string };
}
interface Overview {
  schedules: Schedule[];
  quietHours: { start: string; end: string } | null;
  occurrences: Occurrence[];
}

const today = () => new Date().toISOString().slice(0, 10);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * What the doctor sets up for the time between consultations: medication reminders (the patient confirms each
 * dose), a follow-up question whose answer joins this consultation, and the patient's quiet hours.
 */
export function Reminders({ patientId, consultationId }: { patientId: string; consultationId: string }) {
  const { t, language } = useT();
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dose, setDose] = useState({ medicine: "", dose: "", times: "08:00", startDate: today(), endDate: inDays(13) });
  const [followUp, setFollowUp] = useState({ question: "", days: "7" });
  const [quiet, setQuiet] = useState({ start: "22:00", end: "08:00" });

  const load = useCallback(
    () =>
      api<Overview>(`/patients/${patientId}/reminders`)
        .then((r) => {
          setOverview(r);
          if (r.quietHours) setQuiet(r.quietHours);
        })
        .catch((e) => setError(errorText(t, e))),
    [patientId],
  );
  useEffect(() => void load(), [load]);

  const run = (action: () => Promise<unknown>) => async (event?: FormEvent) => {
    event?.preventDefault();
    setError(null);
    try {
      await action();
      await load();
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  const addSchedule = run(async () => {
    const timesOfDay = dose.times.split(/[\s,;]+/).filter(Boolean);
    await api(`/patients/${patientId}/medication-schedules`, {
      method: "POST",
      body: { medicine: dose.medicine, dose: dose.dose, timesOfDay, startDate: dose.startDate, endDate: dose.endDate, consultationId },
    });
    setDose({ ...dose, medicine: "", dose: "" });
  });
  const askLater = run(async () => {
    await api(`/consultations/${consultationId}/follow-ups`, { method: "POST", body: { question: followUp.question, afterHours: Number(followUp.days) * 24 } });
    setFollowUp({ ...followUp, question: "" });
  });
  const saveQuiet = run(() => api(`/patients/${patientId}/quiet-hours`, { method: "PUT", body: quiet }));
  const cancel = (id: string) => run(() => api(`/medication-schedules/${id}`, { method: "DELETE" }))();

  const followUps = overview?.occurrences.filter((o) => o.kind === "follow_up") ?? [];
  return (
    <section className="monitoring reminders" data-testid="reminders">
      <h3>{t("reminders.title")}</h3>
      {error && <p className="error">{error}</p>}
      <ul className="previous" data-testid="schedules">
        {overview?.schedules.map((s) => (
          <li key={s.id} className={s.cancelledAt ? "muted" : ""}>
            {s.medicine} {s.dose} · {s.timesOfDay.join(", ")} · {s.startDate} – {s.endDate}
            {s.cancelledAt ? (
              ` · ${t("reminders.cancelled")}`
            ) : (
              <button className="small" onClick={() => cancel(s.id)}>
                {t("reminders.cancel")}
              </button>
            )}
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={addSchedule} data-testid="schedule-form">
        <input required aria-label={t("reminders.medicine")} placeholder={t("reminders.medicine")} value={dose.medicine} onChange={(e) => setDose({ ...dose, medicine: e.target.value })} />
        <input required aria-label={t("reminders.dose")} placeholder={t("reminders.dose")} value={dose.dose} onChange={(e) => setDose({ ...dose, dose: e.target.value })} />
        <input required aria-label={t("reminders.times")} title={t("reminders.timesHint")} value={dose.times} onChange={(e) => setDose({ ...dose, times: e.target.value })} />
        <input type="date" required aria-label={t("reminders.from")} value={dose.startDate} onChange={(e) => setDose({ ...dose, startDate: e.target.value })} />
        <input type="date" required aria-label={t("reminders.to")} value={dose.endDate} onChange={(e) => setDose({ ...dose, endDate: e.target.value })} />
        <button className="small">{t("reminders.addSchedule")}</button>
      </form>
      <ul className="previous" data-testid="follow-ups">
        {followUps.map((o) => (
          <li key={o.id}>
            {new Date(o.dueAt).toLocaleDateString(language)} · {o.payload.question} · {t(`reminders.status.${o.status}`, { defaultValue: o.status })}
            {o.answer && <strong> · {t("reminders.answer", { answer: o.answer })}</strong>}
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={askLater} data-testid="follow-up-form">
        <input className="grow" required minLength={3} aria-label={t("reminders.question")} placeholder={t("reminders.question")} value={followUp.question} onChange={(e) => setFollowUp({ ...followUp, question: e.target.value })} />
        <label className="check">
          {t("reminders.afterDays")}
          <input type="number" min={1} max={365} required value={followUp.days} onChange={(e) => setFollowUp({ ...followUp, days: e.target.value })} />
        </label>
        <button className="small">{t("reminders.ask")}</button>
      </form>
      <form className="row" onSubmit={saveQuiet} data-testid="quiet-hours-form">
        {t("reminders.quietHours")}
        <input type="time" required aria-label={t("reminders.quietFrom")} value={quiet.start} onChange={(e) => setQuiet({ ...quiet, start: e.target.value })} />
        <input type="time" required aria-label={t("reminders.quietTo")} value={quiet.end} onChange={(e) => setQuiet({ ...quiet, end: e.target.value })} />
        <button className="small">{t("reminders.saveQuietHours")}</button>
      </form>
    </section>
  );
}
