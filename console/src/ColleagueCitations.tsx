import { useState } from "react";
import { api, type ColleagueAnswer } from "./api";
import type { ColleagueInvitation } from "./colleague-types";
import { useT } from "./i18n";

interface Props {
  consultationId: string;
  protocolId: string;
  cited: ColleagueAnswer[];
  onChange: (cited: ColleagueAnswer[]) => void;
  onError: (error: unknown) => void;
}

/**
 * Colleagues' answers in the protocol draft: the api cites the stored answer with its reference (the form can only
 * drop a citation). The answered questions are read when the doctor asks for them, not with every thread view.
 */
export function ColleagueCitations({ consultationId, protocolId, cited, onChange, onError }: Props) {
  const { t } = useT();
  const [answered, setAnswered] = useState<ColleagueInvitation[] | null>(null);

  const pick = () =>
    api<{ invitations: ColleagueInvitation[] }>(`/consultations/${consultationId}/colleague-invitations`).then(
      (r) => setAnswered(r.invitations.filter((i) => i.status === "answered")),
      onError,
    );
  const cite = (invitationId: string) =>
    api<{ colleagueAnswers: ColleagueAnswer[] }>(`/protocols/${protocolId}/colleague-answers`, { method: "POST", body: { invitationId } }).then(
      (r) => onChange(r.colleagueAnswers),
      onError,
    );

  return (
    <fieldset data-testid="colleague-citations">
      <legend>{t("colleague.cited")}</legend>
      {cited.map((c) => (
        <p key={c.invitationId} data-testid="cited-answer">
          {c.colleagueName}, {new Date(c.answeredAt).toLocaleDateString()}: {c.answer}{" "}
          <button className="small" onClick={() => onChange(cited.filter((x) => x.invitationId !== c.invitationId))}>
            {t("protocol.remove")}
          </button>
        </p>
      ))}
      {answered === null ? (
        <button className="small" onClick={pick}>
          {t("colleague.citeAnswer")}
        </button>
      ) : answered.length === 0 ? (
        <p className="muted">{t("colleague.noAnswers")}</p>
      ) : (
        answered
          .filter((i) => !cited.some((c) => c.invitationId === i.id))
          .map((i) => (
            <button key={i.id} className="small" onClick={() => cite(i.id)}>
              {t("colleague.cite", { name: i.colleagueName })}
            </button>
          ))
      )}
    </fieldset>
  );
}
