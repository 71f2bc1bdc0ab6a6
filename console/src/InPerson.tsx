import { useCallback, useEffect, useState } from "react";
import { errorText } from "./error-text";
import { api } from "./api";
import { useT } from "./i18n";

interface Booking {
  id: string;
  patientId: string;
  doctorName: string;
  specialty: string;
  startsAt: string;
  room: string | null;
  address: string | null;
  status: string;
  attendedAt: string | null;
}

/**
 * The front desk's in-person appointments (from yesterday on): who comes when and where, "attended" once the
 * patient came (or "did not come"). That visit, with its ICD-10 code, is what lets later remote consultations diagnose and prescribe.
 */
export function InPerson() {
  const { t, language } = useT();
  const [bookings, setBookings] = useState<Booking[]>([]);
  const [entries, setEntries] = useState<Record<string, { icd10Code: string; problem: string }>>({});
  const [error, setError] = useState<string | null>(null);
  const when = (iso: string) => new Date(iso).toLocaleString(language, { dateStyle: "short", timeStyle: "short" });

  const load = useCallback(
    () =>
      api<{ appointments: Booking[] }>("/in-person/appointments")
        .then((r) => setBookings(r.appointments))
        .catch((e) => setError(errorText(t, e))),
    [],
  );
  useEffect(() => void load(), [load]);

  const entry = (id: string) => entries[id] ?? { icd10Code: "", problem: "" };
  const edit = (id: string, change: Partial<{ icd10Code: string; problem: string }>) => setEntries((all) => ({ ...all, [id]: { ...entry(id), ...change } }));
  const mark = async (id: string, outcome: "attended" | "no-show") => {
    setError(null);
    try {
      await api(`/in-person/appointments/${id}/${outcome}`, { method: "POST", body: outcome === "attended" ? entry(id) : undefined });
      await load();
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  return (
    <section data-testid="in-person">
      <h2>{t("frontDesk.title")}</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {bookings.length === 0 && <p className="muted">{t("frontDesk.empty")}</p>}
      <ul className="previous">
        {bookings.map((b) => (
          <li key={b.id} data-appointment={b.id}>
            {when(b.startsAt)} · {b.doctorName} ({b.specialty}) · {b.address}, {t("video.room")} {b.room} · {t("frontDesk.patient")} {b.patientId.slice(0, 8)} ·{" "}
            {b.status === "attended" ? (
              <span className="tag">{t("frontDesk.attended")}</span>
            ) : b.status === "no_show" ? (
              <span className="tag">{t("frontDesk.noShow")}</span>
            ) : (
              <form
                className="inline-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void mark(b.id, "attended");
                }}
              >
                <input required value={entry(b.id).icd10Code} onChange={(e) => edit(b.id, { icd10Code: e.target.value })} aria-label={t("frontDesk.code")} placeholder="I10" />
                <input required value={entry(b.id).problem} onChange={(e) => edit(b.id, { problem: e.target.value })} aria-label={t("frontDesk.problem")} placeholder={t("frontDesk.problem")} />
                <button className="primary small">{t("frontDesk.markAttended")}</button>
                <button type="button" className="small" onClick={() => void mark(b.id, "no-show")}>
                  {t("frontDesk.markNoShow")}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
