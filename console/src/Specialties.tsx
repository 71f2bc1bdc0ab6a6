import { useEffect, useState, type FormEvent } from "react";
import { errorText } from "./error-text";
import { api } from "./api";
import { useT } from "./i18n";
import { forgetSpecialties } from "./words";

interface Specialty {
  code: string;
  nameRu: string;
  nameEn: string;
  escalateAfterMinutes: number | null;
  active: boolean;
}

const blank = { code: "", nameRu: "", nameEn: "", minutes: "" };

/** Admins keep the clinic's specialties: names, how long a question may wait, retired or not. */
export function Specialties() {
  const { t } = useT();
  const [list, setList] = useState<Specialty[]>([]);
  const [form, setForm] = useState(blank);
  const [error, setError] = useState<string | null>(null);

  const load = () => api<{ specialties: Specialty[] }>("/specialties").then((r) => setList(r.specialties));
  useEffect(() => void load(), []);

  const save = async (code: string, body: Omit<Specialty, "code">) => {
    try {
      await api(`/specialties/${code}`, { method: "PUT", body });
      forgetSpecialties();
      setError(null);
      await load();
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await save(form.code.trim(), {
      nameRu: form.nameRu,
      nameEn: form.nameEn,
      escalateAfterMinutes: form.minutes ? Number(form.minutes) : null,
      active: true,
    });
    setForm(blank);
  };

  return (
    <>
      <h2>{t("admin.specialtiesTitle")}</h2>
      <table className="grid" data-testid="specialties">
        <thead>
          <tr>
            <th>{t("admin.code")}</th>
            <th>{t("admin.nameRu")}</th>
            <th>{t("admin.nameEn")}</th>
            <th>{t("admin.escalateAfter")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((s) => (
            <tr key={s.code} className={s.active ? "" : "muted"} data-code={s.code}>
              <td>{s.code}</td>
              <td>{s.nameRu}</td>
              <td>{s.nameEn}</td>
              <td>{s.escalateAfterMinutes ?? t("admin.defaultLimit")}</td>
              <td>
                <button className="small" onClick={() => save(s.code, { ...s, active: !s.active })}>
                  {s.active ? t("admin.retire") : t("admin.restore")}
                </button>
                <button className="small" onClick={() => setForm({ code: s.code, nameRu: s.nameRu, nameEn: s.nameEn, minutes: String(s.escalateAfterMinutes ?? "") })}>
                  {t("admin.edit")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={submit} data-testid="specialty-form">
        <input placeholder={t("admin.code")} aria-label={t("admin.code")} value={form.code} onChange={(e) => setForm({ ...form, code: e.target.value })} required pattern="[a-z][a-z0-9_]{1,39}" />
        <input placeholder={t("admin.nameRu")} aria-label={t("admin.nameRu")} value={form.nameRu} onChange={(e) => setForm({ ...form, nameRu: e.target.value })} required />
        <input placeholder={t("admin.nameEn")} aria-label={t("admin.nameEn")} value={form.nameEn} onChange={(e) => setForm({ ...form, nameEn: e.target.value })} required />
        <input placeholder={t("admin.escalateAfter")} aria-label={t("admin.escalateAfter")} type="number" min={1} value={form.minutes} onChange={(e) => setForm({ ...form, minutes: e.target.value })} />
        <button className="primary">{t("admin.saveSpecialty")}</button>
      </form>
      {error && <p className="error">{error}</p>}
    </>
  );
}
