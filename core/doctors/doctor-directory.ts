import { createHash, randomBytes } from "node:crypto";
import type { z } from "zod";
import type { DoctorRepository } from "./doctor-repository";
import { newDoctorSchema, type ConsultingDoctor, type Doctor } from "./doctors";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Doctors and their console API tokens (bearer tokens until staff login arrives). */
export class DoctorDirectory {
  constructor(private readonly doctors: DoctorRepository) {}

  /** Creates a doctor and returns the API token, which is shown once: only its hash is stored. */
  async create(input: z.input<typeof newDoctorSchema>): Promise<{ doctor: Doctor; apiToken: string }> {
    const data = newDoctorSchema.parse(input);
    const apiToken = `tcd_${randomBytes(32).toString("base64url")}`;
    return { doctor: await this.doctors.create(data, hashToken(apiToken)), apiToken };
  }

  /**
   * A new API token for the doctor behind a console account (replacing any earlier one), so scripts act as the
   * same doctor the console shows rather than a second, unlinked one. Undefined when no such doctor exists.
   */
  async issueApiTokenForStaff(email: string): Promise<{ doctor: Doctor; apiToken: string } | undefined> {
    const doctor = await this.doctors.byStaffEmail(email.trim().toLowerCase());
    if (!doctor) return undefined;
    const apiToken = `tcd_${randomBytes(32).toString("base64url")}`;
    return { doctor: await this.doctors.setApiTokenHash(doctor.id, hashToken(apiToken)), apiToken };
  }

  async byApiToken(token: string): Promise<Doctor | undefined> {
    return this.doctors.byApiTokenHash(hashToken(token));
  }

  consulting(): Promise<ConsultingDoctor[]> {
    return this.doctors.consulting();
  }

  exists(doctorId: string): Promise<boolean> {
    return this.doctors.exists(doctorId);
  }
}
