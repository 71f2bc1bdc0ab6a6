import type { Db } from "../db/prisma";
import type { Language } from "../i18n";

/** The patient's language and timezone, which every text and date they get follows (read and set by the dialogue). */
export class PatientPreferences {
  constructor(private readonly db: Db) {}

  async setLanguage(patientId: string, language: Language): Promise<void> {
    await this.db.patient.update({ where: { id: patientId }, data: { language } });
  }

  async setTimezone(patientId: string, timezone: string): Promise<void> {
    await this.db.patient.update({ where: { id: patientId }, data: { timezone } });
  }

  async timezone(patientId: string): Promise<string> {
    const patient = await this.db.patient.findUnique({ where: { id: patientId }, select: { timezone: true } });
    return patient?.timezone ?? "Europe/Moscow";
  }
}
