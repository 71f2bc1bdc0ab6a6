import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/prisma";

export interface Doctor {
  id: string;
  name: string;
  specialties: string[];
  languages: string[];
}

export const newDoctorSchema = z.object({
  name: z.string().trim().min(2).max(200),
  specialties: z.array(z.string().trim().min(1)).min(1),
  languages: z.array(z.string().trim().length(2)).min(1),
});

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Doctors and their console API tokens (bearer tokens until staff login arrives). */
export class DoctorDirectory {
  constructor(private readonly db: Db) {}

  /** Creates a doctor and returns the API token, which is shown once: only its hash is stored. */
  async create(input: z.input<typeof newDoctorSchema>): Promise<{ doctor: Doctor; apiToken: string }> {
    const data = newDoctorSchema.parse(input);
    const apiToken = `tcd_${randomBytes(32).toString("base64url")}`;
    const row = await this.db.doctor.create({ data: { ...data, apiTokenHash: hashToken(apiToken) } });
    return { doctor: { id: row.id, name: row.name, specialties: row.specialties, languages: row.languages }, apiToken };
  }

  /**
   * A new API token for the doctor behind a console account (replacing any earlier one), so scripts act as the
   * same doctor the console shows rather than a second, unlinked one. Undefined when no such doctor exists.
   */
  async issueApiTokenForStaff(email: string): Promise<{ doctor: Doctor; apiToken: string } | undefined> {
    const staff = await this.db.staffMember.findUnique({ where: { email: email.trim().toLowerCase() }, include: { doctor: true } });
    if (!staff?.doctor) return undefined;
    const apiToken = `tcd_${randomBytes(32).toString("base64url")}`;
    const row = await this.db.doctor.update({ where: { id: staff.doctor.id }, data: { apiTokenHash: hashToken(apiToken) } });
    return { doctor: { id: row.id, name: row.name, specialties: row.specialties, languages: row.languages }, apiToken };
  }

  async byApiToken(token: string): Promise<Doctor | undefined> {
    const row = await this.db.doctor.findUnique({ where: { apiTokenHash: hashToken(token) } });
    return row ? { id: row.id, name: row.name, specialties: row.specialties, languages: row.languages } : undefined;
  }
}
