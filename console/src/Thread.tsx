import { useEffect, useRef, useState } from "react";
import { errorText } from "./error-text";
import { api, fileUrl, type Staff, type Thread } from "./api";
import { IntakePanel } from "./IntakePanel";
import { PatientMonitoring } from "./PatientMonitoring";
import { Reminders } from "./Reminders";
import { ProtocolForm } from "./ProtocolForm";
import { ColleaguePanel } from "./ColleaguePanel";
import { SecondOpinionPanel } from "./SecondOpinionPanel";
import { ThreadConsilia } from "./Consilia";
import { useT } from "./i18n";
import { age, languageName, useSpecialties } from "./words";

// Medical outcomes need a signed protocol (the api refuses otherwise); the others say no medical care was given.
const medicalOutcomes = ["advice_given", "in_person_visit", "emergency_referral"] as const;
const noCareOutcomes = ["no_reply", "duplicate", "spam", "consent_withdrawn"] as const;
const outcomes = [...medicalOutcomes, ...noCareOutcomes] as const;

interface Props {
  staff: Staff;
  id: string;
  live: number;
  onBack: () => void;
}

const readAsBase64 = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",")[1] ?? "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

export function ThreadView({ staff, id, live, onBack }: Props) {
  const { t, language } = useT();
  const specialties = useSpecialties();
  /** Errors of the reply box (send, close) are shown there, beside its buttons; others at the top. */
  const [replyError, setReplyError] = useState<string | null>(null);
  const [thread, setThread] = useState<Thread | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [followUp, setFollowUp] = useState(false);
  // Files are medical unless the doctor says they are a leaflet or instructions (the api refuses medical files by chat to unverified patients).
  const [leaflet, setLeaflet] = useState(false);
  const [files, setFiles] = useState<File[]>([]);
  const [zoom, setZoom] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<(typeof outcomes)[number]>("advice_given");
  const [busy, setBusy] = useState(false);
  const replyRef = useRef<HTMLTextAreaElement>(null);
  const templates = t("templates", { returnObjects: true }) as Array<{ title: string; text: string }>;

  const load = () =>
    api<Thread>(`/consultations/${id}`).then(
      (r) => setThread(r),
      (e) => setError(errorText(t, e)),
    );
  useEffect(() => {
    void load();
  }, [id, live]);

  const take = async () => {
    try {
      await api(`/consultations/${id}/take`, { method: "POST" });
      await load();
    } catch (e) {
      setError(errorText(t, e));
      await load();
    }
  };

  const send = async () => {
    if (!text.trim()) return;
    setBusy(true);
    try {
      const fileIds: string[] = [];
      for (const file of files) {
        const base64 = await readAsBase64(file);
        const { id: fileId } = await api<{ id: string }>("/files", {
          method: "POST",
          body: { fileName: file.name, mimeType: file.type, base64, kind: leaflet ? "leaflet" : "medical" },
        });
        fileIds.push(fileId);
      }
      await api(`/consultations/${id}/messages`, { method: "POST", body: { text, followUp, fileIds } });
      setText("");
      setFiles([]);
      setFollowUp(false);
      setReplyError(null);
      await load();
    } catch (e) {
      setReplyError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  const close = async () => {
    try {
      await api(`/consultations/${id}/close`, { method: "POST", body: { outcome } });
      await load();
    } catch (e) {
      setReplyError(errorText(t, e));
    }
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        if (zoom) setZoom(null);
        else if (document.activeElement === replyRef.current) replyRef.current?.blur();
        else onBack();
        event.preventDefault();
        return;
      }
      if ((event.target as HTMLElement).closest("input, textarea, select")) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void send();
        return;
      }
      if (event.key === "r") {
        replyRef.current?.focus();
        event.preventDefault();
      } else if (event.key === "t" && thread && !thread.doctorId) {
        void take();
        event.preventDefault();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  if (!thread) {
    return (
      <section className="thread">
        <button onClick={onBack}>← {t("thread.back_to_queue")}</button>
        {error ? (
          <p className="error" role="alert" data-testid="thread-error">
            {error}
          </p>
        ) : (
          <p>…</p>
        )}
      </section>
    );
  }

  const mine = thread.doctorId === staff.doctorId;
  // The complaint that raised a red flag (the intake's, the consultation's first patient message) reads as an alarm.
  const firstAlarm = thread.urgent && (thread.intake?.redFlags.length ?? 0) > 0 ? thread.messages.findIndex((m) => m.authorRole === "patient") : -1;
  return (
    <section className="thread" data-testid="thread">
      <div className="thread-head">
        <button onClick={onBack} title="Esc">
          ← {t("thread.back_to_queue")}
        </button>
        <h2>
          {t("thread.title", { number: thread.number })} {thread.urgent && <span className="tag red">{t("queue.urgent")}</span>}
        </h2>
        <span className="tag">{t(`status.${thread.status}`)}</span>
        {!thread.doctorId && thread.status !== "closed" && (
          <button className="primary" onClick={take} title="t">
            {t("thread.take")}
          </button>
        )}
        {thread.doctorId && !mine && <span className="tag amber">{t("thread.takenBy", { name: thread.doctorName })}</span>}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {thread.urgent && (thread.intake?.redFlags.length ?? 0) > 0 && (
        <p className="alarm" role="alert" data-testid="alarm">
          {t("thread.alarm", { flags: thread.intake!.redFlags.join(", ") })}{" "}
          {/* 103 from Russian phones; 112 from any phone and SIM, foreign ones included */}
          <a href="tel:103">📞 103</a> <a href="tel:112">📞 112</a>
        </p>
      )}
      <div className="columns">
        <aside className="facts">
          <dl>
            <dt>{t("thread.language")}</dt>
            <dd data-testid="patient-language">{languageName(language, thread.patientLanguage)}</dd>
            <dt>{t("thread.identity")}</dt>
            <dd>{t(`identity.${thread.identityLevel}`)}</dd>
            <dt>{t("thread.specialty")}</dt>
            <dd data-testid="specialty">{specialties.name(thread.specialty)}</dd>
            <dt>{t("thread.waiting")}</dt>
            <dd data-testid="waiting">{age(t, thread.createdAt)}</dd>
            <dt>{t("thread.inPerson")}</dt>
            <dd data-testid="in-person">{t(`inPerson.${thread.inPersonVisit}`)}</dd>
          </dl>
          <IntakePanel intake={thread.intake} />
          <h3>{t("thread.previous")}</h3>
          {thread.previous.length === 0 && <p className="muted">{t("thread.noPrevious")}</p>}
          <ul className="previous">
            {thread.previous.map((p) => (
              <li key={p.id}>
                № {p.number} · {specialties.name(p.specialty)} · {new Date(p.createdAt).toLocaleDateString()} · {t(`status.${p.status}`)}
              </li>
            ))}
          </ul>
        </aside>
        <div className="conversation">
          <ol className="messages">
            {thread.messages.map((m, index) => (
              <li key={m.id} className={`msg ${m.authorRole}${index === firstAlarm ? " alarm" : ""}`}>
                <div className="meta">
                  {t(`author.${m.authorRole}`)} · {new Date(m.createdAt).toLocaleString()}
                  {m.deliveryStatus && ` · ${t(`delivery.${m.deliveryStatus}`)}`}
                </div>
                <div className="text">{m.text}</div>
                {m.attachments.map((a) =>
                  a.kind === "photo" ? (
                    <img
                      key={a.fileId}
                      className="thumb"
                      src={fileUrl(thread.id, a.fileId)}
                      alt={a.fileName}
                      onClick={() => setZoom(fileUrl(thread.id, a.fileId))}
                    />
                  ) : (
                    <a key={a.fileId} href={fileUrl(thread.id, a.fileId)} target="_blank" rel="noreferrer">
                      📎 {a.fileName}
                    </a>
                  ),
                )}
              </li>
            ))}
          </ol>
          {thread.consentWithdrawn && (
            <p className="tag red" role="status" data-testid="consent-withdrawn">
              {t("thread.consentWithdrawn")}
            </p>
          )}
          {thread.status !== "closed" && (!thread.doctorId || mine) && (
            <div className="reply">
              {!thread.consentWithdrawn && (
                <>
              <div className="templates">
                {templates.map((tpl) => (
                  <button key={tpl.title} className="small" onClick={() => setText(tpl.text)} data-template={tpl.title}>
                    {tpl.title}
                  </button>
                ))}
              </div>
              <textarea ref={replyRef} value={text} onChange={(e) => setText(e.target.value)} placeholder={t("thread.replyPlaceholder")} rows={4} aria-label={t("thread.reply")} />
              <div className="reply-actions">
                <label className="check">
                  <input type="checkbox" checked={followUp} onChange={(e) => setFollowUp(e.target.checked)} /> {t("thread.followUp")}
                </label>
                <label className="check">
                  <input type="checkbox" checked={leaflet} onChange={(e) => setLeaflet(e.target.checked)} /> {t("thread.leaflet")}
                </label>
                <input type="file" multiple accept="image/jpeg,image/png,application/pdf" onChange={(e) => setFiles([...(e.target.files ?? [])])} aria-label={t("thread.attach")} />
                <button className="primary" onClick={send} disabled={busy || !text.trim()}>
                  {t("thread.send")}
                </button>
              </div>
                </>
              )}
              {mine && (
                <div className="close-row">
                  <select value={outcome} onChange={(e) => setOutcome(e.target.value as (typeof outcomes)[number])} aria-label={t("thread.outcome")}>
                    {([["medicalCare", medicalOutcomes], ["noMedicalCare", noCareOutcomes]] as const).map(([group, list]) => (
                      <optgroup key={group} label={t(`thread.${group}`)}>
                        {list.map((o) => (
                          <option key={o} value={o}>
                            {t(`outcome.${o}`)}
                          </option>
                        ))}
                      </optgroup>
                    ))}
                  </select>
                  <button onClick={close}>{t("thread.close")}</button>
                </div>
              )}
              {replyError && (
                <p className="error" role="alert" data-testid="reply-error">
                  {replyError}
                </p>
              )}
            </div>
          )}
          {thread.outcome && <p className="muted">{t(`outcome.${thread.outcome}`)}</p>}
          {mine && thread.kind === "second_opinion" && <SecondOpinionPanel thread={thread} live={live} />}
          {mine && <PatientMonitoring patientId={thread.patientId} />}
          {mine && <Reminders patientId={thread.patientId} consultationId={thread.id} />}
          {mine && <ColleaguePanel consultationId={thread.id} live={live} />}
          {mine && <ProtocolForm thread={thread} />}
          {mine && <ThreadConsilia consultationId={thread.id} staff={staff} />}
        </div>
      </div>
      {zoom && (
        <div className="zoom" onClick={() => setZoom(null)} data-testid="zoom">
          <img src={zoom} alt="" />
        </div>
      )}
    </section>
  );
}
