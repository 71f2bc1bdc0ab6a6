import { useEffect, useState, type FormEvent } from "react";
import { errorText } from "./error-text";
import { api, ApiError, type Staff } from "./api";
import { useT } from "./i18n";
import { ConsentTexts } from "./ConsentTexts";
import { RedFlags } from "./RedFlags";
import { Specialties } from "./Specialties";
import { SigningCertificates } from "./SigningCertificates";
import { MisPushes } from "./MisPushes";

type Listed = Staff & { lockedUntil: string | null; disabled: boolean };
interface AuditEvent {
  id: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  at: string;
}

export function Admin() {
  const { t } = useT();
  const [staff, setStaff] = useState<Listed[]>([]);
  const [form, setForm] = useState({ email: "", name: "", role: "doctor", password: "", specialties: "gp", languages: "ru,en" });
  const [created, setCreated] = useState<{ totpSecret: string; otpauthUrl: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState({ actorId: "", action: "", entityType: "", entityId: "", from: "", to: "" });
  const [events, setEvents] = useState<AuditEvent[]>([]);
  /** The account being unlocked: the admin confirms with a current code of their own authenticator app. */
  const [unlocking, setUnlocking] = useState<{ id: string; code: string } | null>(null);

  const loadStaff = () => api<{ staff: Listed[] }>("/staff").then((r) => setStaff(r.staff));
  const loadAudit = () => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value) query.set(key, key === "from" || key === "to" ? new Date(value).toISOString() : value);
    return api<{ events: AuditEvent[] }>(`/audit?${query}`).then((r) => setEvents(r.events));
  };
  useEffect(() => {
    void loadStaff();
    void loadAudit();
  }, []);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const split = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);
      const result = await api<{ totpSecret: string; otpauthUrl: string }>("/staff", {
        method: "POST",
        body: { ...form, specialties: split(form.specialties), languages: split(form.languages) },
      });
      setCreated(result);
      setError(null);
      await loadStaff();
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  const unlock = async (event: FormEvent) => {
    event.preventDefault();
    if (!unlocking) return;
    try {
      await api(`/staff/${unlocking.id}/unlock`, { method: "POST", body: { code: unlocking.code } });
      setUnlocking(null);
      setError(null);
      await loadStaff();
    } catch (e) {
      setError(e instanceof ApiError && e.code === "forbidden" ? t("admin.unlockCodeWrong") : errorText(t, e));
    }
  };

  return (
    <section className="admin">
      <h2>{t("admin.staff")}</h2>
      <div className="table-scroll">
      <table className="grid" data-testid="staff-table">
        <thead>
          <tr>
            <th>{t("admin.name")}</th>
            <th>Email</th>
            <th>{t("admin.role")}</th>
            <th>{t("admin.specialties")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {staff.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.email}</td>
              <td>{t(`role.${s.role}`)}</td>
              <td>{s.specialties.join(", ")}</td>
              <td>
                {s.lockedUntil && new Date(s.lockedUntil) > new Date() && unlocking?.id !== s.id && (
                  <button className="small" onClick={() => setUnlocking({ id: s.id, code: "" })}>
                    {t("admin.unlock")}
                  </button>
                )}
                {unlocking?.id === s.id && (
                  <form className="inline-form" onSubmit={unlock}>
                    <input
                      name="unlock-code"
                      placeholder={t("admin.unlockCode")}
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      pattern="\d{6}"
                      value={unlocking.code}
                      onChange={(e) => setUnlocking({ id: s.id, code: e.target.value.trim() })}
                      required
                      autoFocus
                    />
                    <button className="small primary">{t("admin.unlock")}</button>
                  </form>
                )}
                <button className="small" onClick={() => api(`/staff/${s.id}/disable`, { method: "POST", body: { disabled: !s.disabled } }).then(loadStaff)}>
                  {s.disabled ? t("admin.enable") : t("admin.disable")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      <form className="inline-form" onSubmit={create}>
        <input placeholder="Email" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} required />
        <input placeholder={t("admin.name")} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />
        <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
          {["doctor", "operator", "admin", "interpreter"].map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
        <input placeholder={t("admin.password")} type="password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} required minLength={10} />
        <input placeholder={t("admin.specialties")} value={form.specialties} onChange={(e) => setForm({ ...form, specialties: e.target.value })} />
        <input placeholder={t("admin.languages")} value={form.languages} onChange={(e) => setForm({ ...form, languages: e.target.value })} />
        <button className="primary">{t("admin.create")}</button>
      </form>
      {error && <p className="error">{error}</p>}
      {created && (
        <p className="notice">
          {t("admin.totpOnce")}: <code>{created.totpSecret}</code>
          <br />
          <code>{created.otpauthUrl}</code>
        </p>
      )}
      <SigningCertificates />
      <MisPushes />
      <Specialties />
      <RedFlags />
      <ConsentTexts />
      <h2>{t("admin.audit")}</h2>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void loadAudit();
        }}
      >
        {(["actorId", "action", "entityType", "entityId"] as const).map((key) => (
          <input key={key} placeholder={t(`admin.filter.${key}`)} value={filter[key]} onChange={(e) => setFilter({ ...filter, [key]: e.target.value })} />
        ))}
        <input type="datetime-local" value={filter.from} onChange={(e) => setFilter({ ...filter, from: e.target.value })} aria-label={t("admin.filter.from")} />
        <input type="datetime-local" value={filter.to} onChange={(e) => setFilter({ ...filter, to: e.target.value })} aria-label={t("admin.filter.to")} />
        <button className="primary">{t("admin.filter.apply")}</button>
      </form>
      <div className="table-scroll">
      <table className="grid" data-testid="audit">
        <thead>
          <tr>
            <th>{t("admin.at")}</th>
            <th>{t("admin.actor")}</th>
            <th>{t("admin.action")}</th>
            <th>{t("admin.entity")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>
                {e.actorType} {e.actorId?.slice(0, 8)}
              </td>
              <td>{e.action}</td>
              <td>
                {e.entityType} {e.entityId.slice(0, 8)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  );
}
