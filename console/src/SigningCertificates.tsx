import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "./api";
import { useT } from "./i18n";

interface Status {
  doctorId: string;
  doctorName: string;
  source: "uploaded" | "file" | null;
  subject: string | null;
  notAfter: string | null;
  daysLeft: number | null;
  expiresSoon: boolean;
  problem: string | null;
}

const readAsBase64 = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",")[1] ?? "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });

/**
 * Admins give each doctor a signing certificate (PKCS#12 and its password). The api checks it at once and says what
 * is wrong beside the form; certificates ending within 30 days are announced at the top.
 */
export function SigningCertificates() {
  const { t, language } = useT();
  const [list, setList] = useState<Status[]>([]);
  const [form, setForm] = useState<{ doctorId: string; file: File | null; password: string }>({ doctorId: "", file: null, password: "" });
  const [result, setResult] = useState<{ doctorId: string; kind: "ok" | "error"; text: string } | null>(null);

  const load = () => api<{ certificates: Status[] }>("/signing-certificates").then((r) => setList(r.certificates));
  useEffect(() => void load(), []);

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.file) return;
    try {
      const saved = await api<Status>(`/doctors/${form.doctorId}/signing-certificate`, {
        method: "PUT",
        body: { base64: await readAsBase64(form.file), password: form.password },
      });
      setResult({ doctorId: form.doctorId, kind: "ok", text: t("certificates.uploaded", { subject: saved.subject, date: new Date(saved.notAfter!).toLocaleDateString(language) }) });
      setForm({ doctorId: "", file: null, password: "" });
      await load();
    } catch (e) {
      const reason = e instanceof ApiError ? (e.details as { reason?: string } | undefined)?.reason : undefined;
      setResult({ doctorId: form.doctorId, kind: "error", text: reason ? t(`certificates.reason.${reason}`) : e instanceof ApiError ? e.message : String(e) });
    }
  };

  const attention = list.filter((c) => c.expiresSoon || (c.source && c.problem));
  const state = (c: Status) =>
    c.problem ? t(`certificates.reason.${c.problem}`) : c.expiresSoon ? t("certificates.expiresIn", { count: c.daysLeft! }) : t("certificates.ok");

  return (
    <section data-testid="certificates">
      <h2>{t("certificates.title")}</h2>
      {attention.length > 0 && (
        <p className="notice" role="alert" data-testid="certificates-expiring">
          {t("certificates.expiringNotice", { count: attention.length })}
        </p>
      )}
      <div className="table-scroll">
        <table className="grid">
          <thead>
            <tr>
              <th>{t("certificates.doctor")}</th>
              <th>{t("certificates.subject")}</th>
              <th>{t("certificates.validUntil")}</th>
              <th>{t("certificates.state")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.doctorId} data-doctor={c.doctorId}>
                <td>{c.doctorName}</td>
                <td>
                  {c.subject ?? "—"} {c.source && <span className="muted">({t(`certificates.source.${c.source}`)})</span>}
                </td>
                <td>{c.notAfter ? new Date(c.notAfter).toLocaleDateString(language) : "—"}</td>
                <td className={c.problem && c.source ? "error" : c.expiresSoon ? "warn" : c.problem ? "muted" : ""} data-testid="certificate-state">
                  {state(c)}
                </td>
                <td>
                  {form.doctorId === c.doctorId ? (
                    <form className="inline-form" onSubmit={upload}>
                      <input type="file" accept=".p12,.pfx,application/x-pkcs12" aria-label={t("certificates.file")} required onChange={(e) => setForm({ ...form, file: e.target.files?.[0] ?? null })} />
                      <input type="password" aria-label={t("certificates.password")} placeholder={t("certificates.password")} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
                      <button className="small primary">{t("certificates.upload")}</button>
                    </form>
                  ) : (
                    <button className="small" onClick={() => (setForm({ doctorId: c.doctorId, file: null, password: "" }), setResult(null))}>
                      {t("certificates.upload")}
                    </button>
                  )}
                  {result?.doctorId === c.doctorId && (
                    <p className={result.kind === "error" ? "error" : "muted"} role={result.kind === "error" ? "alert" : "status"} data-testid="certificate-result">
                      {result.text}
                    </p>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
