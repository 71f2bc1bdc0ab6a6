import type { Config } from "../config";
import type { ConsentService, ConsentTextView } from "../consents/consent-service";
import type { DoctorDirectory } from "../doctors/doctor-directory";
import type { SpecialtyDirectory } from "../specialties/specialty-directory";

/**
 * What the clinic must publish about its remote care (Order 965n p. 46): the organisation and its licence, the
 * information system and its operator, the personal-data operator and contacts, the doctors who consult remotely with
 * their certificate or accreditation, and the consent texts in force. Built from configuration and data only.
 */
export interface Disclosure {
  clinic: { name: string; license: string; address: string };
  informationSystem: { name: string; operator: string };
  personalData: { operator: string; contacts: string };
  doctors: Array<{ name: string; specialties: Array<{ ru: string; en: string }>; certificateNumber: string | null; certificateValidUntil: Date | null }>;
  consents: ConsentTextView[];
}

type DisclosureConfig = Pick<
  Config,
  "CLINIC_NAME" | "CLINIC_LICENSE" | "CLINIC_ADDRESS" | "INFORMATION_SYSTEM_NAME" | "INFORMATION_SYSTEM_OPERATOR" | "PERSONAL_DATA_OPERATOR" | "PERSONAL_DATA_CONTACTS"
>;

export async function loadDisclosure(
  sources: { doctors: DoctorDirectory; specialties: SpecialtyDirectory; consents: ConsentService },
  config: DisclosureConfig,
): Promise<Disclosure> {
  const doctors = await sources.doctors.consulting();
  const names = new Map((await sources.specialties.list()).map((s) => [s.code, { ru: s.nameRu, en: s.nameEn }]));
  return {
    clinic: { name: config.CLINIC_NAME, license: config.CLINIC_LICENSE, address: config.CLINIC_ADDRESS },
    informationSystem: { name: config.INFORMATION_SYSTEM_NAME, operator: config.INFORMATION_SYSTEM_OPERATOR },
    personalData: { operator: config.PERSONAL_DATA_OPERATOR, contacts: config.PERSONAL_DATA_CONTACTS },
    doctors: doctors.map((d) => ({ ...d, specialties: d.specialties.map((code) => names.get(code) ?? { ru: code, en: code }) })),
    consents: await sources.consents.texts(),
  };
}
