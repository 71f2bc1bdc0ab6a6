import { useEffect, useState } from "react";
import { api } from "./api";
import { colleagueFileUrl, type ColleagueCase } from "./colleague-types";
import { errorText } from "./error-text";
import { useT } from "./i18n";
import { IntakePanel } from "./IntakePanel";

/** The invited colleague's view of a case: read only, with the answer box; gone once the question is answered. */
export function ColleagueCaseView({ invitationId, onBack }: { invitationId: string; onBack: () => void }) {
  const { t } = useT();
  const [view, setView] = useState<ColleagueCase | null>(null);
  const [answer, setAnswer] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api<ColleagueCase>(`/colleague-invitations/${invitationId}/case`).then(setView, (e) => setError(errorText(t, e)));
  }, [invitationId]);

  const send = async () => {
    try {
      await api(`/colleague-invitations/${invitationId}/answer`, { method: "POST", body: { answer } });
      onBack();
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  return (
    <section className="thread" data-testid="colleague-case">
      <div className="thread-head">
        <button onClick={onBack}>← {t("colleague.inbox")}</button>
        {view && <h2>{t("thread.title", { number: view.consultation.number })}</h2>}
        <span className="tag amber">{t("colleague.readOnly")}</span>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="colleague-case-error">
          {error}
        </p>
      )}
      {view && (
        <div className="columns">
          <aside className="facts">
            <IntakePanel intake={view.intake} />
            <h3>{t("colleague.readings")}</h3>
            {view.readings.length === 0 && <p className="muted">{t("colleague.noReadings")}</p>}
            <ul className="previous" data-testid="colleague-readings">
              {view.readings.flatMap((s) =>
                s.points.map((p) => (
                  <li key={`${s.kind}-${p.at}`}>
                    {t(`protocol.reading.${s.kind}`, { defaultValue: s.kind })}: {p.value2 != null ? `${p.value}/${p.value2}` : p.value} {s.unit} · {new Date(p.at).toLocaleString()}
                  </li>
                )),
              )}
            </ul>
          </aside>
          <div className="conversation">
            <p className="msg doctor" data-testid="colleague-question-text">
              <strong>{t("colleague.questionFrom", { name: view.invitation.invitedByName })}:</strong> {view.invitation.question}
            </p>
            <ol className="messages">
              {view.messages.map((m) => (
                <li key={m.id} className={`msg ${m.authorRole}`}>
                  <div className="meta">
                    {t(`author.${m.authorRole}`)} · {new Date(m.createdAt).toLocaleString()}
                  </div>
                  <div className="text">{m.text}</div>
                  {m.attachments.map((a) => (
                    <a key={a.fileId} href={colleagueFileUrl(invitationId, a.fileId)} target="_blank" rel="noreferrer">
                      📎 {a.fileName}
                    </a>
                  ))}
                </li>
              ))}
            </ol>
            <div className="reply">
              <p className="muted">{t("colleague.doctorsOnly")}</p>
              <textarea rows={4} aria-label={t("colleague.answer")} value={answer} onChange={(e) => setAnswer(e.target.value)} />
              <button className="primary" onClick={send} disabled={!answer.trim()}>
                {t("colleague.sendAnswer")}
              </button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
