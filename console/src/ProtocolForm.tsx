import { useEffect, useState } from "react";
import { api, ApiError, type Protocol, type ProtocolContent, type Thread } from "./api";
import { useT } from "./i18n";
import { ColleagueCitations } from "./ColleagueCitations";
import { PrescriptionsFieldset } from "./PrescriptionsFieldset";
import { ReferralSpecialty } from "./ReferralSpecialty";

const emptyReferral = { kind: "in_person_visit" as const, target: "", tests: [] as string[] };
/** Reminder times are typed as "08:00, 20:00"; blanks left while typing are dropped before saving. */
const withoutBlankTimes = (content: ProtocolContent): ProtocolContent => ({
  ...content,
  prescriptions: content.prescriptions.map((p) => ({ ...p, remindAt: (p.remindAt ?? []).filter(Boolean) })),
});
type Visit = { id: string; visitedAt: string; icd10Code: string; problem: string };
type Code = { code: string; ru: string; en: string };
type Document = { id: string; kind: string };
type LabTest = { code: string; ru: string; en: string };

/** A report always; a prescription and a referral when the protocol holds them (core/documents/render-documents.ts). */
const expectedDocuments = (content: ProtocolContent) => 1 + Number(content.prescriptions.length > 0) + Number(content.referrals.length > 0);

/**
 * The consultation protocol: the doctor drafts, saves and signs it here. The server enforces what a primary
 * remote consultation may hold (no diagnosis, no prescription) and this form shows its explanation as it is.
 */
export function ProtocolForm({ thread }: { thread: Thread }) {
  const { t, language } = useT();
  const [versions, setVersions] = useState<Protocol[]>([]);
  const [draft, setDraft] = useState<Protocol | null>(null);
  const [content, setContent] = useState<ProtocolContent | null>(null);
  const [visits, setVisits] = useState<Visit[]>([]);
  const [labTests, setLabTests] = useState<LabTest[]>([]);
  const [documents, setDocuments] = useState<Record<string, Document[]>>({});
  /** Why a signed version's documents are not there (the documents job's last failure). */
  const [failures, setFailures] = useState<Record<string, string | null>>({});
  const [query, setQuery] = useState("");
  const [codes, setCodes] = useState<Code[]>([]);
  const [message, setMessage] = useState<{ kind: "error" | "ok"; text: string } | null>(null);

  const load = async () => {
    const { protocols } = await api<{ protocols: Protocol[] }>(`/consultations/${thread.id}/protocols`);
    setVersions(protocols);
    const open = protocols.find((p) => p.status === "draft") ?? null;
    setDraft(open);
    setContent(open ? open.content : null);
    const signed = protocols.filter((p) => p.status === "signed");
    const docs = await Promise.all(signed.map((p) => api<{ documents: Document[]; failure: string | null }>(`/protocols/${p.id}/documents`)));
    setDocuments(Object.fromEntries(signed.map((p, i) => [p.id, docs[i]!.documents])));
    setFailures(Object.fromEntries(signed.map((p, i) => [p.id, docs[i]!.failure])));
  };
  useEffect(() => {
    void load().catch(fail);
    void api<{ visits: Visit[] }>(`/patients/${thread.patientId}/in-person-visits`).then((r) => setVisits(r.visits), fail);
    void api<{ tests: LabTest[] }>("/lab-tests").then((r) => setLabTests(r.tests), fail);
  }, [thread.id]);

  // The documents worker renders and signs the PDFs after the signature: look again until all have arrived.
  const pending = versions.some((p) => p.status === "signed" && (documents[p.id]?.length ?? 0) < expectedDocuments(p.content));
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => void load().catch(fail), 2000);
    return () => clearTimeout(timer);
  }, [pending, documents]);

  useEffect(() => {
    if (query.trim().length < 2) return setCodes([]);
    const timer = setTimeout(() => {
      void api<{ codes: Code[] }>(`/icd10?q=${encodeURIComponent(query)}&limit=8`).then((r) => setCodes(r.codes), fail);
    }, 200);
    return () => clearTimeout(timer);
  }, [query]);

  function fail(error: unknown) {
    const explanation = error instanceof ApiError ? (error.details as { explanation?: Record<string, string> } | undefined)?.explanation : undefined;
    // A conflict here is about protocol versions, not about who took the consultation: the server says which.
    const text =
      explanation?.[language] ??
      (error instanceof ApiError ? (error.code === "conflict" ? error.message : t(`errors.${error.code}`, { defaultValue: error.message })) : String(error));
    setMessage({ kind: "error", text });
  }

  const run = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setMessage({ kind: "ok", text: t(done) });
      await load();
    } catch (error) {
      fail(error);
    }
  };
  const start = () => run(() => api(`/consultations/${thread.id}/protocol`, { method: "POST" }), "protocol.started");
  const save = () => run(() => api(`/protocols/${draft!.id}`, { method: "PUT", body: withoutBlankTimes(content!) }), "protocol.saved");
  // Signing signs what is stored, so the form is saved first.
  const sign = () =>
    run(async () => {
      await api(`/protocols/${draft!.id}`, { method: "PUT", body: withoutBlankTimes(content!) });
      await api(`/protocols/${draft!.id}/sign`, { method: "POST" });
    }, "protocol.signedNotice");
  const correct = (id: string) => run(() => api(`/protocols/${id}/corrections`, { method: "POST" }), "protocol.started");

  const insertReadings = async () => {
    try {
      const chart = await api<{ series: Array<{ kind: string; unit: string; points: Array<{ at: string; value: number; value2: number | null }> }> }>(
        `/patients/${thread.patientId}/readings?window=week`,
      );
      const lines = chart.series
        .filter((s) => s.points.length > 0)
        .map((s) => {
          const last = s.points[s.points.length - 1]!;
          const value = last.value2 != null ? `${last.value}/${last.value2}` : String(last.value);
          return `${t(`protocol.reading.${s.kind}`)}: ${value} ${s.unit} (${new Date(last.at).toLocaleString(language)})`;
        });
      if (!lines.length) return setMessage({ kind: "ok", text: t("protocol.noReadings") });
      set({ objective: [content!.objective, ...lines].filter(Boolean).join("\n") });
    } catch (error) {
      fail(error);
    }
  };

  const set = (patch: Partial<ProtocolContent>) => setContent((c) => (c ? { ...c, ...patch } : c));
  const setAssessment = (patch: Partial<ProtocolContent["assessment"]>) =>
    setContent((c) => (c ? { ...c, assessment: { ...c.assessment, ...patch } } : c));

  // Beside the buttons that caused it while the form is open (a refusal at the section's top was out of view of Sign).
  const said = message && (
    <p className={message.kind === "error" ? "error" : "muted"} role={message.kind === "error" ? "alert" : "status"} data-testid="protocol-message">
      {message.text}
    </p>
  );

  return (
    <section className="protocol" data-testid="protocol">
      <h3>{t("protocol.title")}</h3>
      {!content && said}
      <ul className="previous">
        {versions
          .filter((p) => p.status === "signed")
          .map((p) => (
            <li key={p.id} data-testid="protocol-version">
              {t("protocol.version", { version: p.version })} · {t("protocol.signedAt", { at: new Date(p.signedAt!).toLocaleString(language) })} ·{" "}
              {p.remoteCare.primary ? t("protocol.primary") : t("protocol.followUp")} ·{" "}
              {(documents[p.id] ?? []).map((d) => t(`protocol.document.${d.kind}`)).join(", ") || t("protocol.documentsPending")}
              {failures[p.id] && (
                <span className="error" role="alert" data-testid="documents-failure">
                  {" "}
                  · {t("certificates.documentsFailed", { reason: failures[p.id] })}
                </span>
              )}
              {!draft && p.version === Math.max(...versions.map((v) => v.version)) && (
                <button className="small" onClick={() => correct(p.id)}>
                  {t("protocol.correct")}
                </button>
              )}
            </li>
          ))}
      </ul>
      {!draft && versions.length === 0 && (
        <button className="primary" onClick={start}>
          {t("protocol.start")}
        </button>
      )}
      {draft && content && (
        <div className="protocol-form">
          <p className={draft.remoteCare.primary ? "tag amber" : "tag"} data-testid="protocol-kind">
            {draft.remoteCare.primary ? t("protocol.primaryHint") : t("protocol.followUp")}
          </p>
          <div className="row">
            <label>
              {t("protocol.fullName")}
              <input value={content.patient.fullName ?? ""} onChange={(e) => set({ patient: { ...content.patient, fullName: e.target.value } })} />
            </label>
            <label>
              {t("protocol.birthDate")}
              <input type="date" value={content.patient.birthDate ?? ""} onChange={(e) => set({ patient: { ...content.patient, birthDate: e.target.value || undefined } })} />
            </label>
          </div>
          <label>
            {t("protocol.complaints")}
            <textarea rows={3} value={content.complaints} onChange={(e) => set({ complaints: e.target.value })} />
          </label>
          <label>
            {t("protocol.objective")}
            <textarea rows={3} value={content.objective} onChange={(e) => set({ objective: e.target.value })} />
          </label>
          <button className="small" onClick={insertReadings}>
            {t("protocol.insertReadings")}
          </button>
          <fieldset>
            <legend>{t("protocol.assessment")}</legend>
            <select aria-label={t("protocol.assessmentKind")} value={content.assessment.kind} onChange={(e) => setAssessment({ kind: e.target.value as "preliminary" | "diagnosis" })}>
              <option value="preliminary">{t("protocol.preliminary")}</option>
              <option value="diagnosis">{t("protocol.diagnosis")}</option>
            </select>
            <textarea rows={2} aria-label={t("protocol.assessmentText")} value={content.assessment.text} onChange={(e) => setAssessment({ text: e.target.value })} />
            <div className="codes">
              {content.assessment.codes.map((code) => (
                <span key={code} className="tag" data-testid="icd-code">
                  {code}{" "}
                  <button className="small" aria-label={t("protocol.remove")} onClick={() => setAssessment({ codes: content.assessment.codes.filter((c) => c !== code) })}>
                    ×
                  </button>
                </span>
              ))}
            </div>
            <input placeholder={t("protocol.icdSearch")} aria-label={t("protocol.icdSearch")} value={query} onChange={(e) => setQuery(e.target.value)} />
            <ul className="icd-results">
              {codes.map((c) => (
                <li key={c.code}>
                  <button
                    className="small"
                    onClick={() => {
                      if (!content.assessment.codes.includes(c.code)) setAssessment({ codes: [...content.assessment.codes, c.code] });
                      setQuery("");
                    }}
                  >
                    {c.code} — {language === "ru" ? c.ru : c.en}
                  </button>
                </li>
              ))}
            </ul>
          </fieldset>
          <ColleagueCitations consultationId={thread.id} protocolId={draft.id} cited={content.colleagueAnswers ?? []} onChange={(colleagueAnswers) => set({ colleagueAnswers })} onError={fail} />
          <label>
            {t("protocol.recommendations")}
            <textarea rows={3} value={content.recommendations} onChange={(e) => set({ recommendations: e.target.value })} />
          </label>
          <fieldset>
            <legend>{t("protocol.referrals")}</legend>
            {content.referrals.map((r, i) => (
              <div className="row" key={i} data-testid="referral">
                <select aria-label={t("protocol.referralKind")} value={r.kind} onChange={(e) => set({ referrals: content.referrals.map((x, j) => (j === i ? { ...x, kind: e.target.value as typeof r.kind } : x)) })}>
                  {(["in_person_visit", "specialist", "lab_tests"] as const).map((k) => (
                    <option key={k} value={k}>
                      {t(`protocol.referral.${k}`)}
                    </option>
                  ))}
                </select>
                <input aria-label={t("protocol.referralTarget")} placeholder={t("protocol.referralTarget")} value={r.target} onChange={(e) => set({ referrals: content.referrals.map((x, j) => (j === i ? { ...x, target: e.target.value } : x)) })} />
                {r.kind === "in_person_visit" && (
                  <ReferralSpecialty value={r.specialty} onChange={(specialty) => set({ referrals: content.referrals.map((x, j) => (j === i ? { ...x, specialty } : x)) })} />
                )}
                <button className="small" onClick={() => set({ referrals: content.referrals.filter((_, j) => j !== i) })}>
                  {t("protocol.remove")}
                </button>
                {r.kind === "lab_tests" && (
                  <div className="lab-tests" data-testid="lab-tests">
                    {labTests.map((test) => (
                      <label key={test.code} className="check">
                        <input
                          type="checkbox"
                          checked={r.tests.includes(test.code)}
                          onChange={(e) => {
                            const tests = e.target.checked ? [...r.tests, test.code] : r.tests.filter((c) => c !== test.code);
                            // The printed referral names the tests; the codes become the lab order.
                            const target = labTests.filter((l) => tests.includes(l.code)).map((l) => (language === "ru" ? l.ru : l.en)).join(", ");
                            set({ referrals: content.referrals.map((x, j) => (j === i ? { ...x, tests, target } : x)) });
                          }}
                        />
                        {language === "ru" ? test.ru : test.en}
                      </label>
                    ))}
                  </div>
                )}
              </div>
            ))}
            <button className="small" onClick={() => set({ referrals: [...content.referrals, { ...emptyReferral }] })}>
              {t("protocol.addReferral")}
            </button>
          </fieldset>
          <PrescriptionsFieldset prescriptions={content.prescriptions} set={set} />
          <label>
            {t("protocol.followUpOf")}
            <select value={content.followUpOfVisitId ?? ""} onChange={(e) => set({ followUpOfVisitId: e.target.value || undefined })}>
              <option value="">{t("protocol.noVisit")}</option>
              {visits.map((v) => (
                <option key={v.id} value={v.id}>
                  {new Date(v.visitedAt).toLocaleDateString(language)} · {v.icd10Code} · {v.problem}
                </option>
              ))}
            </select>
          </label>
          <div className="reply-actions">
            <button onClick={save}>{t("protocol.save")}</button>
            <button className="primary" onClick={sign}>
              {t("protocol.sign")}
            </button>
          </div>
          {said}
        </div>
      )}
    </section>
  );
}
