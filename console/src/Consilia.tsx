import { useEffect, useState } from "react";
import { api, ApiError, type ProtocolContent, type Staff } from "./api";
import { errorText } from "./error-text";
import { useT } from "./i18n";
import { useSpecialties } from "./words";

interface Consilium {
  id: string;
  consultationId: string;
  consultationNumber: number;
  organizerId: string;
  question: string;
  patientJoins: boolean;
  scheduledAt: string;
  status: "scheduled" | "open" | "signing" | "signed";
  visitId: string | null;
  protocolId: string | null;
  participants: Array<{ doctorId: string; name: string; specialties: string[]; signedAt: string | null }>;
}
type Detail = Consilium & { complaints: string[]; conclusion: ProtocolContent | null };
interface Colleague {
  id: string;
  name: string;
  specialties: string[];
}

/** `datetime-local` value → ISO in the doctor's own timezone; empty means "now". */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

function ConsiliaList({ consilia, onOpen }: { consilia: Consilium[]; onOpen: (id: string) => void }) {
  const { t, language } = useT();
  return (
    <ul className="previous" data-testid="consilia-list">
      {consilia.map((c) => (
        <li key={c.id} data-id={c.id}>
          <button className="small" onClick={() => onOpen(c.id)}>
            № {c.consultationNumber} · {new Date(c.scheduledAt).toLocaleString(language, { dateStyle: "short", timeStyle: "short" })} · {t(`consilium.status.${c.status}`)} ·{" "}
            {c.participants.map((p) => p.name).join(", ")}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** In the thread of its treating doctor: the case's consilia and the form that calls one (at once or at a time). */
export function ThreadConsilia({ consultationId, staff }: { consultationId: string; staff: Staff }) {
  const { t } = useT();
  const specialties = useSpecialties();
  const [consilia, setConsilia] = useState<Consilium[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [specialty, setSpecialty] = useState("");
  const [colleagues, setColleagues] = useState<Colleague[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [form, setForm] = useState({ question: "", when: "", patientJoins: false, treatingDoctorJoins: true });
  const [error, setError] = useState<string | null>(null);

  const load = () => api<{ consilia: Consilium[] }>(`/consultations/${consultationId}/consilia`).then((r) => setConsilia(r.consilia));
  useEffect(() => {
    void load();
  }, [consultationId]);
  useEffect(() => {
    void api<{ doctors: Colleague[] }>(`/consilia/colleagues${specialty ? `?specialty=${encodeURIComponent(specialty)}` : ""}`).then((r) => setColleagues(r.doctors));
  }, [specialty]);

  const call = async () => {
    try {
      const created = await api<Consilium>(`/consultations/${consultationId}/consilia`, {
        method: "POST",
        body: { question: form.question, doctorIds: chosen, scheduledAt: isoOf(form.when), patientJoins: form.patientJoins, treatingDoctorJoins: form.treatingDoctorJoins },
      });
      setForm({ ...form, question: "", when: "" });
      setChosen([]);
      setError(null);
      setOpen(created.id);
      await load();
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  const toggle = (id: string) => setChosen((list) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]));

  return (
    <section className="monitoring" data-testid="thread-consilia">
      <h3>{t("consilium.title")}</h3>
      <ConsiliaList consilia={consilia} onOpen={setOpen} />
      <div className="consilium-form">
        <textarea value={form.question} onChange={(e) => setForm({ ...form, question: e.target.value })} rows={2} aria-label={t("consilium.question")} placeholder={t("consilium.question")} />
        <label>
          {t("consilium.specialty")}{" "}
          <select value={specialty} onChange={(e) => setSpecialty(e.target.value)} aria-label={t("consilium.specialty")}>
            <option value="">{t("consilium.anySpecialty")}</option>
            {specialties.list.map((s) => (
              <option key={s.code} value={s.code}>
                {specialties.name(s.code)}
              </option>
            ))}
          </select>
        </label>
        <fieldset data-testid="consilium-colleagues">
          <legend>{t("consilium.invite")}</legend>
          {colleagues.map((c) => (
            <label key={c.id} className="check">
              <input type="checkbox" checked={chosen.includes(c.id)} onChange={() => toggle(c.id)} /> {c.name} ({c.specialties.map(specialties.name).join(", ")})
            </label>
          ))}
        </fieldset>
        <label>
          {t("consilium.when")} <input type="datetime-local" value={form.when} onChange={(e) => setForm({ ...form, when: e.target.value })} aria-label={t("consilium.when")} />
        </label>
        <label className="check">
          <input type="checkbox" checked={form.patientJoins} onChange={(e) => setForm({ ...form, patientJoins: e.target.checked })} /> {t("consilium.patientJoins")}
        </label>
        <label className="check">
          <input type="checkbox" checked={form.treatingDoctorJoins} onChange={(e) => setForm({ ...form, treatingDoctorJoins: e.target.checked })} /> {t("consilium.treatingDoctorJoins")}
        </label>
        <button className="primary" onClick={call} disabled={!form.question.trim() || chosen.length === 0}>
          {t("consilium.call")}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
      {open && <ConsiliumDetail key={open} id={open} staff={staff} onChanged={load} />}
    </section>
  );
}

/** The doctor's consilia (called or invited to); each opens its room, conclusion and signatures. */
export function ConsiliaScreen({ staff }: { staff: Staff }) {
  const { t } = useT();
  const [consilia, setConsilia] = useState<Consilium[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const load = () => api<{ consilia: Consilium[] }>("/consilia").then((r) => setConsilia(r.consilia));
  useEffect(() => {
    void load();
  }, []);
  return (
    <section className="thread" data-testid="consilia">
      <h2>{t("consilium.mine")}</h2>
      {consilia.length === 0 && <p className="muted">{t("consilium.none")}</p>}
      <ConsiliaList consilia={consilia} onOpen={setOpen} />
      {open && <ConsiliumDetail key={open} id={open} staff={staff} onChanged={load} />}
    </section>
  );
}

function ConsiliumDetail({ id, staff, onChanged }: { id: string; staff: Staff; onChanged: () => void }) {
  const { t, language } = useT();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [draft, setDraft] = useState({ complaints: "", objective: "", assessment: "", codes: "", recommendations: "" });
  const [message, setMessage] = useState<string | null>(null);
  const load = () =>
    api<Detail>(`/consilia/${id}`).then(
      (d) => {
        setDetail(d);
        const c = d.conclusion;
        setDraft({
          complaints: c?.complaints ?? d.complaints.join("\n"),
          objective: c?.objective ?? "",
          assessment: c?.assessment.text ?? "",
          codes: c?.assessment.codes.join(", ") ?? "",
          recommendations: c?.recommendations ?? "",
        });
      },
      (e) => setMessage(errorText(t, e)),
    );
  useEffect(() => {
    void load();
  }, [id]);

  const act = async (action: () => Promise<unknown>, done: string) => {
    try {
      const result = await action();
      setMessage(t(done));
      onChanged();
      // Signed by all: the invited doctors' care relationship has ended, so the answer itself is the last view of it.
      if ((result as Consilium | undefined)?.status === "signed") setDetail((d) => d && { ...d, ...(result as Consilium) });
      else await load();
    } catch (e) {
      const explanation = e instanceof ApiError ? (e.details as { explanation?: Record<string, string> } | undefined)?.explanation : undefined;
      setMessage(explanation?.[language] ?? errorText(t, e));
    }
  };
  if (!detail) return message ? <p className="error">{message}</p> : <p>…</p>;

  const me = detail.participants.find((p) => p.doctorId === staff.doctorId);
  const field = (key: keyof typeof draft, rows = 2) => (
    <label>
      {t(`consilium.field.${key}`)}
      <textarea value={draft[key]} rows={rows} disabled={detail.status !== "open" || !me} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
    </label>
  );
  const save = () =>
    api(`/consilia/${id}/conclusion`, {
      method: "PUT",
      body: {
        complaints: draft.complaints,
        objective: draft.objective,
        assessment: { kind: "preliminary", text: draft.assessment, codes: draft.codes.split(/[,\s]+/).filter(Boolean) },
        recommendations: draft.recommendations,
      },
    });
  const join = async () => {
    const { url } = await api<{ url: string }>(`/consilia/${id}/link`, { method: "POST" });
    window.open(url, "_blank", "noopener");
  };

  return (
    <div className="consilium" data-testid="consilium">
      <h3>
        {t("consilium.of", { number: detail.consultationNumber })} <span className="tag" data-testid="consilium-status">{t(`consilium.status.${detail.status}`)}</span>
      </h3>
      <p>
        <strong>{t("consilium.question")}:</strong> {detail.question}
      </p>
      <ul data-testid="consilium-participants">
        {detail.participants.map((p) => (
          <li key={p.doctorId}>
            {p.name} — {p.signedAt ? `✓ ${t("consilium.signed")}` : t("consilium.notSigned")}
          </li>
        ))}
      </ul>
      {detail.status === "scheduled" && <button onClick={() => act(() => api(`/consilia/${id}/start`, { method: "POST" }), "consilium.startedNotice")}>{t("consilium.start")}</button>}
      {me && detail.status !== "scheduled" && <button onClick={() => act(join, "consilium.joinedNotice")}>{t("consilium.join")}</button>}
      <div className="protocol-form">
        {field("complaints")}
        {field("objective")}
        {field("assessment")}
        {field("codes", 1)}
        {field("recommendations")}
      </div>
      {me && detail.status === "open" && <button onClick={() => act(save, "consilium.savedNotice")}>{t("consilium.save")}</button>}
      {me && !me.signedAt && detail.protocolId && detail.status !== "signed" && (
        <button className="primary" onClick={() => act(() => api(`/consilia/${id}/sign`, { method: "POST" }), "consilium.signedNotice")}>
          {t("consilium.sign")}
        </button>
      )}
      {message && (
        <p className="muted" role="status" data-testid="consilium-message">
          {message}
        </p>
      )}
    </div>
  );
}
