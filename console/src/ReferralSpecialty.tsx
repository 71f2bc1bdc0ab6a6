import { useT } from "./i18n";
import { useSpecialties } from "./words";

/** Whose in-person slots a referral to an in-person visit offers the patient in the messenger (empty: the consultation's). */
export function ReferralSpecialty({ value, onChange }: { value?: string; onChange: (specialty: string | undefined) => void }) {
  const { t } = useT();
  const specialties = useSpecialties();
  return (
    <select aria-label={t("protocol.referralSpecialty")} value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">{t("protocol.referralSpecialtySame")}</option>
      {specialties.list
        .filter((s) => s.active)
        .map((s) => (
          <option key={s.code} value={s.code}>
            {specialties.name(s.code)}
          </option>
        ))}
    </select>
  );
}
