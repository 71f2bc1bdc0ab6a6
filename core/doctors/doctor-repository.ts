import type { Db } from "../db/prisma";
import type { ConsultingDoctor, Doctor } from "./doctors";

const doctorSelect = { id: true, name: true, specialties: true, languages: true } as const;

export class DoctorRepository {
  constructor(private readonly db: Db) {}

  async create(data: Omit<Doctor, "id">, apiTokenHash: string): Promise<Doctor> {
    return this.db.doctor.create({ data: { ...data, apiTokenHash }, select: doctorSelect });
  }

  async setApiTokenHash(doctorId: string, apiTokenHash: string): Promise<Doctor> {
    return this.db.doctor.update({ where: { id: doctorId }, data: { apiTokenHash }, select: doctorSelect });
  }

  async byApiTokenHash(apiTokenHash: string): Promise<Doctor | undefined> {
    return (await this.db.doctor.findUnique({ where: { apiTokenHash }, select: doctorSelect })) ?? undefined;
  }

  /** The doctor behind a console account. */
  async byStaffEmail(email: string): Promise<Doctor | undefined> {
    const staff = await this.db.staffMember.findUnique({ where: { email }, select: { doctor: { select: doctorSelect } } });
    return staff?.doctor ?? undefined;
  }

  /** The doctors who consult: active console accounts with the doctor role (disabled ones no longer consult). */
  async consulting(): Promise<ConsultingDoctor[]> {
    return this.db.doctor.findMany({
      where: { staff: { role: "doctor", disabledAt: null } },
      orderBy: { name: "asc" },
      select: { name: true, specialties: true, certificateNumber: true, certificateValidUntil: true },
    });
  }

  async exists(doctorId: string): Promise<boolean> {
    return (await this.db.doctor.count({ where: { id: doctorId } })) > 0;
  }
}
