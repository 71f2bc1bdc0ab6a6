import { useState, type FormEvent } from "react";
import { errorText } from "./error-text";
import { api } from "./api";
import { clinicInput, fromClinicInput, HOUR_MS } from "./clinic-time";
import { useT } from "./i18n";
import type { RotaPeople, RotaShift, ShiftKind } from "./rota-types";
import { useSpecialties } from "./words";

/** A shift to move (its times), or a new one starting at an hour of the grid. */
export type ShiftDraft = { shift: RotaShift } | { kind: ShiftKind; specialty: string; startsAt: string };

const DEFAULT_HOURS = 8;

/** Adds a doctor's or an interpreter's shift, or moves one; times are typed on the clinic's (Moscow) clock. */
export function ShiftForm({ people, draft, onSaved, onCancel }: { people: RotaPeople; draft: ShiftDraft; onSaved: () => void; onCancel: () => void }) {
  const { t } = useT();
  const specialties = useSpecialties();
  const moving = "shift" in draft ? draft.shift : null;
  const [form, setForm] = useState(() => {
    const startsAt = moving?.startsAt ?? ("startsAt" in draft ? draft.startsAt : new Date().toISOString());
    const endsAt = moving?.endsAt ?? new Date(Date.parse(startsAt) + DEFAULT_HOURS * HOUR_MS).toISOString();
    const kind = moving?.kind ?? ("kind" in draft ? draft.kind : "doctor");
    const specialty = moving?.specialty ?? ("specialty" in draft ? draft.specialty : "gp");
    return { kind, specialty, personId: "", startsAt: clinicInput(startsAt), endsAt: clinicInput(endsAt) };
  });
  const [error, setError] = useState<string | null>(null);
  const doctors = people.doctors.filter((d) => d.specialties.includes(form.specialty));
  const persons = form.kind === "doctor" ? doctors : people.interpreters;
  const personId = persons.some((p) => p.id === form.personId) ? form.personId : (persons[0]?.id ?? "");
  const doctorSpecialties = [...new Set(people.doctors.flatMap((d) => d.specialties))];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const times = { startsAt: fromClinicInput(form.startsAt), endsAt: fromClinicInput(form.endsAt) };
    try {
      if (moving) await api(`/rota/shifts/${moving.id}`, { method: "PATCH", body: { kind: moving.kind, ...times } });
      else if (form.kind === "doctor") await api("/rota/shifts", { method: "POST", body: { kind: "doctor", doctorId: personId, specialty: form.specialty, ...times } });
      else await api("/rota/shifts", { method: "POST", body: { kind: "interpreter", interpreterId: personId, ...times } });
      onSaved();
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  return (
    <form className="shift-form" onSubmit={submit} data-testid="shift-form">
      <h3>{moving ? t("rota.moveShift", { name: moving.name }) : t("rota.addShift")}</h3>
      {!moving && (
        <>
          <label>
            {t("rota.kind")}
            <select name="kind" autoFocus value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as ShiftKind })}>
              <option value="doctor">{t("rota.kinds.doctor")}</option>
              <option value="interpreter">{t("rota.kinds.interpreter")}</option>
            </select>
          </label>
          {form.kind === "doctor" && (
            <label>
              {t("rota.specialty")}
              <select name="shift-specialty" value={form.specialty} onChange={(e) => setForm({ ...form, specialty: e.target.value })}>
                {doctorSpecialties.map((code) => (
                  <option key={code} value={code}>
                    {specialties.name(code)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            {t(`rota.kinds.${form.kind}`)}
            <select name="person" value={personId} onChange={(e) => setForm({ ...form, personId: e.target.value })} required>
              {persons.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.languages.join(", ")})
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      <label>
        {t("rota.startsAt")}
        <input type="datetime-local" name="startsAt" autoFocus={!!moving} required value={form.startsAt} onChange={(e) => setForm({ ...form, startsAt: e.target.value })} />
      </label>
      <label>
        {t("rota.endsAt")}
        <input type="datetime-local" name="endsAt" required value={form.endsAt} min={form.startsAt} onChange={(e) => setForm({ ...form, endsAt: e.target.value })} />
      </label>
      <p className="muted hint">{t("rota.maxShift")}</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button className="primary" disabled={!moving && !personId}>
          {moving ? t("rota.saveMove") : t("rota.add")}
        </button>
        <button type="button" onClick={onCancel}>
          {t("rota.cancel")}
        </button>
      </div>
    </form>
  );
}
