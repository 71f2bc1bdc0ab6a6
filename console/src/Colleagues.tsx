import { useEffect, useState } from "react";
import { api } from "./api";
import { ColleagueCaseView } from "./ColleagueCase";
import type { ColleagueInvitation } from "./colleague-types";
import { errorText } from "./error-text";
import { useT } from "./i18n";
import { useSpecialties } from "./words";

/**
 * Questions from colleagues: addressed to this doctor, or to one of their specialties (accept to take one). An
 * accepted, open question opens the case, readable until it is answered or withdrawn.
 */
export function Colleagues({ doctorId, live }: { doctorId: string; live: number }) {
  const { t } = useT();
  const specialties = useSpecialties();
  const [invitations, setInvitations] = useState<ColleagueInvitation[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () =>
    api<{ invitations: ColleagueInvitation[] }>("/colleague-invitations").then(
      (r) => setInvitations(r.invitations),
      (e) => setError(errorText(t, e)),
    );
  useEffect(() => {
    if (!open) void load();
  }, [open, live]);

  const accept = async (id: string) => {
    try {
      await api(`/colleague-invitations/${id}/accept`, { method: "POST" });
      setOpen(id);
    } catch (e) {
      setError(errorText(t, e));
      await load();
    }
  };

  if (open) return <ColleagueCaseView invitationId={open} onBack={() => setOpen(null)} />;
  return (
    <section className="colleagues" data-testid="colleagues">
      <h2>{t("colleague.inbox")}</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {invitations.length === 0 && <p className="muted">{t("colleague.none")}</p>}
      <ul className="queue-list">
        {invitations.map((i) => (
          <li key={i.id} data-id={i.id} data-testid="colleague-question">
            <div>
              <strong>{t("thread.title", { number: i.consultationNumber })}</strong> · {t("colleague.from", { name: i.invitedByName })}
              {i.specialty && ` · ${specialties.name(i.specialty)}`} · {t(`colleague.status.${i.status}`)}
            </div>
            <div className="text">{i.question}</div>
            {i.answer && <div className="muted">{i.answer}</div>}
            {i.status === "open" && i.colleagueId === null && (
              <button className="primary" onClick={() => accept(i.id)}>
                {t("colleague.accept")}
              </button>
            )}
            {i.status === "open" && i.colleagueId === doctorId && <button onClick={() => setOpen(i.id)}>{t("colleague.openCase")}</button>}
          </li>
        ))}
      </ul>
    </section>
  );
}
