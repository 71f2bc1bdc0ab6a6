import type { Thread } from "./api";
import { BodyMap } from "./BodyMap";
import { useT } from "./i18n";
import { answerText, questionText } from "./words";

/** What the patient told the bot before the doctor: complaint, area, red flags, the examination and the answers. */
export function IntakePanel({ intake }: { intake: Thread["intake"] }) {
  const { t } = useT();
  const exam = intake?.exam;
  return (
    <>
      <h3>{t("thread.intake")}</h3>
      {!intake && <p className="muted">{t("thread.noIntake")}</p>}
      {intake && (
        <div className="intake">
          {intake.area && <p className="tag" data-testid="area">{t(`area.${intake.area}`)}</p>}
          {intake.complaint && <p>{intake.complaint}</p>}
          {intake.redFlags.length > 0 && <p className="tag red">{intake.redFlags.join(", ")}</p>}
          {exam && (
            <>
              <BodyMap regions={exam.regions} />
              <p data-testid="severity">
                {t("thread.severity")}: <b>{exam.severity}/10</b> · {t("thread.duration")}: <b>{t(`duration.${exam.duration}`)}</b>
              </p>
              {exam.symptoms.length > 0 && <p>{exam.symptoms.join(", ")}</p>}
              {exam.medicines && (
                <p>
                  {t("thread.medicines")}: {exam.medicines}
                </p>
              )}
              {exam.allergies && (
                <p>
                  {t("thread.allergies")}: {exam.allergies}
                </p>
              )}
    </>
        )}
        {intake.answers.length > 0 && (
          <table className="answers" data-testid="answers">
            <tbody>
              {intake.answers.map((a) => (
                <tr key={a.questionId}>
                  <th>{questionText(t, a.questionId)}</th>
                  <td>{answerText(t, a.questionId, a.answer)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      )}
    </>
  );
}
