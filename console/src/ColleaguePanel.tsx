import { useEffect, useState } from "react";
import { api } from "./api";
import type { Colleague, ColleagueInvitation } from "./colleague-types";
import { errorText } from "./error-text";
import { useT } from "./i18n";
import { useSpecialties } from "./words";

/**
 * The doctors-only part of a thread (issue 18 point 1): the treating doctor asks a colleague, by name or by
 * specialty, and reads the answers here. Nothing of it is sent to the patient.
 */
export function ColleaguePanel({ consultationId, live }: { consultationId: string; live: number }) {
  const { t } = useT();
  const specialties = useSpecialties();
  const [invitations, setInvitations] = useState<ColleagueInvitation[]>([]);
  const [colleagues, setColleagues] = useState<Colleague[]>([]);
  const [by, setBy] = useState<"name" | "specialty">("name");
  const [colleagueId, setColleagueId] = useState("");
  const [specialty, setSpecialty] = useState("");
  const [question, setQuestion] = useState("");
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ invitations: ColleagueInvitation[] }>(`/consultations/${consultationId}/colleague-invitations`).then(
      (r) => setInvitations(r.invitations),
      (e) => setError(errorText(t, e)),
    );
  useEffect(() => {
    void api<{ colleagues: Colleague[] }>("/colleagues").then((r) => setColleagues(r.colleagues), () => undefined);
  }, [consultationId]);
  useEffect(() => {
    void load();
  }, [consultationId, live]);

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setError(null);
      await load();
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  const ask = () =>
    act(async () => {
      const body = by === "name" ? { colleagueId, question } : { specialty, question };
      await api(`/consultations/${consultationId}/colleague-invitations`, { method: "POST", body });
      setQuestion("");
    });

  return (
    <section className="colleague-panel" data-testid="colleague-panel">
      <h3>{t("colleague.title")}</h3>
      <p className="muted">{t("colleague.doctorsOnly")}</p>
      <ol className="messages">
        {invitations.map((i) => (
          <li key={i.id} className="msg doctor" data-testid="colleague-invitation">
            <div className="meta">
              {i.colleagueName ?? specialties.name(i.specialty ?? "")} · {t(`colleague.status.${i.status}`)} · {new Date(i.createdAt).toLocaleString()}
            </div>
            <div className="text">
              <strong>{t("colleague.question")}:</strong> {i.question}
            </div>
            {i.answer && (
              <div className="text" data-testid="colleague-answer">
                <strong>{t("colleague.answer")}:</strong> {i.answer}
              </div>
            )}
            {i.status === "open" && (
              <button className="small" onClick={() => act(() => api(`/colleague-invitations/${i.id}/withdraw`, { method: "POST" }))}>
                {t("colleague.withdraw")}
              </button>
            )}
          </li>
        ))}
      </ol>
      <div className="row">
        <select aria-label={t("colleague.by")} value={by} onChange={(e) => setBy(e.target.value as "name" | "specialty")}>
          <option value="name">{t("colleague.byName")}</option>
          <option value="specialty">{t("colleague.bySpecialty")}</option>
        </select>
        {by === "name" ? (
          <select aria-label={t("colleague.colleague")} value={colleagueId} onChange={(e) => setColleagueId(e.target.value)}>
            <option value="">—</option>
            {colleagues.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name} · {c.specialties.map(specialties.name).join(", ")}
              </option>
            ))}
          </select>
        ) : (
          <select aria-label={t("colleague.specialty")} value={specialty} onChange={(e) => setSpecialty(e.target.value)}>
            <option value="">—</option>
            {specialties.list
              .filter((s) => s.active)
              .map((s) => (
                <option key={s.code} value={s.code}>
                  {specialties.name(s.code)}
                </option>
              ))}
          </select>
        )}
      </div>
      <textarea rows={2} aria-label={t("colleague.question")} value={question} onChange={(e) => setQuestion(e.target.value)} />
      <button onClick={ask} disabled={!question.trim() || (by === "name" ? !colleagueId : !specialty)}>
        {t("colleague.ask")}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
