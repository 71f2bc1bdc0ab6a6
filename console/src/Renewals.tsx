import { useCallback, useEffect, useState } from "react";
import { api } from "./api";
import { errorText } from "./error-text";
import { useT } from "./i18n";

interface Renewal {
  id: string;
  createdAt: string;
  via: "command" | "reminder";
  consultationId: string;
  consultationNumber: number;
  protocolVersion: number;
  mine: boolean;
  prescriberName: string;
  prescriptions: Array<{ medicine: string; dose: string; schedule: string; durationDays: number }>;
  lastVisitAt: string | null;
  readings: Array<{ kind: string; value: number; value2: number | null; measuredAt: string }>;
  adherence: { taken: number; missed: number; unanswered: number };
}

interface Decision {
  status: "approved" | "changed" | "declined";
  resultProtocolId: string | null;
  consultationId: string;
}

/** Patients' requests to renew a prescription: the doctor's own prescriptions, and the specialty's when the prescriber is away. */
export function Renewals({ onOpenConsultation }: { onOpenConsultation: (id: string) => void }) {
  const { t, language } = useT();
  const [items, setItems] = useState<Renewal[]>([]);
  const [declining, setDeclining] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const [message, setMessage] = useState<{ text: string; consultationId?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    () =>
      api<{ renewals: Renewal[] }>("/renewals")
        .then((r) => setItems(r.renewals))
        .catch((e) => setMessage({ text: errorText(t, e) })),
    [],
  );
  useEffect(() => void load(), [load]);

  const decide = async (item: Renewal, action: "approve" | "change" | "decline") => {
    setBusy(true);
    try {
      const body = action === "decline" ? { reason } : undefined;
      const decision = await api<Decision>(`/renewals/${item.id}/${action}`, { method: "POST", body });
      setMessage({ text: t(`renewals.done.${decision.status}`, { number: item.consultationNumber }), consultationId: decision.consultationId });
      setDeclining(null);
      setReason("");
      await load();
    } catch (e) {
      setMessage({ text: errorText(t, e) });
    } finally {
      setBusy(false);
    }
  };

  const date = (iso: string) => new Date(iso).toLocaleDateString(language);
  return (
    <section data-testid="renewals-screen">
      <h2>{t("renewals.title")}</h2>
      {message && (
        <p className="notice" data-testid="renewal-message">
          {message.text}{" "}
          {message.consultationId && (
            <button className="small" onClick={() => onOpenConsultation(message.consultationId!)}>
              {t("alerts.openConsultation")}
            </button>
          )}
        </p>
      )}
      {items.length === 0 && <p className="muted">{t("renewals.empty")}</p>}
      <ul className="cards">
        {items.map((item) => (
          <li key={item.id} data-id={item.id} className="renewal">
            <div>
              <strong>{t("renewals.request", { number: item.consultationNumber, version: item.protocolVersion })}</strong> · {t(`renewals.via.${item.via}`)} ·{" "}
              {new Date(item.createdAt).toLocaleString(language)}
            </div>
            <ul>
              {item.prescriptions.map((p, i) => (
                <li key={i}>{t("renewals.prescription", { ...p })}</li>
              ))}
            </ul>
            <p>
              {item.mine ? t("renewals.mine") : t("renewals.colleague", { name: item.prescriberName })} ·{" "}
              {item.lastVisitAt ? t("renewals.lastVisit", { date: date(item.lastVisitAt) }) : t("renewals.noVisit")}
            </p>
            <p data-testid="renewal-adherence">{t("renewals.adherence", item.adherence)}</p>
            <p data-testid="renewal-readings">
              {item.readings.length === 0
                ? t("renewals.noReadings")
                : item.readings
                    .slice(0, 5)
                    .map((r) => `${t(`renewals.kind.${r.kind}`)} ${r.value2 === null ? r.value : `${r.value}/${r.value2}`} (${date(r.measuredAt)})`)
                    .join(" · ")}
            </p>
            <div className="actions">
              <button disabled={busy} onClick={() => decide(item, "approve")}>
                {t("renewals.approve")}
              </button>
              <button disabled={busy} onClick={() => decide(item, "change")}>
                {t("renewals.change")}
              </button>
              <button disabled={busy} onClick={() => setDeclining(declining === item.id ? null : item.id)}>
                {t("renewals.decline")}
              </button>
            </div>
            {declining === item.id && (
              <div>
                <label>
                  {t("renewals.reason")}
                  <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
                </label>
                <button disabled={busy || reason.trim().length < 3} onClick={() => decide(item, "decline")}>
                  {t("renewals.sendDecline")}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
