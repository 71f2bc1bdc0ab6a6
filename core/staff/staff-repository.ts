import { recordAudit, type AuditEntry } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { StaffMember, StaffRole } from "./staff-member";

/** What login checks; never leaves the staff module. */
export interface StaffCredentials {
  id: string;
  passwordHash: string;
  totpSecret: string;
  disabledAt: Date | null;
}

export interface NewStaffRow {
  email: string;
  name: string;
  role: StaffRole;
  passwordHash: string;
  totpSecret: string;
  specialties: string[];
  languages: string[];
}

const memberSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  interpreterId: true,
  lockedUntil: true,
  disabledAt: true,
  doctor: { select: { id: true, name: true, specialties: true, languages: true } },
} as const;

type Row = Omit<StaffMember, "disabled"> & { disabledAt: Date | null };

const toStaff = ({ disabledAt, ...r }: Row): StaffMember => ({ ...r, disabled: disabledAt !== null });

export class StaffRepository {
  constructor(private readonly db: Db) {}

  /** The account, with its Doctor or Interpreter row for those roles, and its audit row, in one transaction. */
  async create(data: NewStaffRow, audit: Omit<AuditEntry, "entityId">): Promise<StaffMember> {
    const { specialties, languages, ...account } = data;
    return this.db.$transaction(async (tx) => {
      const doctor = data.role === "doctor" ? await tx.doctor.create({ data: { name: data.name, specialties, languages } }) : null;
      const interpreter = data.role === "interpreter" ? await tx.interpreter.create({ data: { name: data.name, languages } }) : null;
      const member = await tx.staffMember.create({ data: { ...account, doctorId: doctor?.id, interpreterId: interpreter?.id }, select: memberSelect });
      await recordAudit(tx, { ...audit, entityId: member.id });
      return toStaff(member);
    });
  }

  async emailTaken(email: string): Promise<boolean> {
    return (await this.db.staffMember.count({ where: { email } })) > 0;
  }

  async list(): Promise<StaffMember[]> {
    return (await this.db.staffMember.findMany({ orderBy: { createdAt: "asc" }, select: memberSelect })).map(toStaff);
  }

  async byId(id: string): Promise<StaffMember | undefined> {
    const row = await this.db.staffMember.findUnique({ where: { id }, select: memberSelect });
    return row ? toStaff(row) : undefined;
  }

  async byDoctor(doctorId: string): Promise<StaffMember | undefined> {
    const row = await this.db.staffMember.findUnique({ where: { doctorId }, select: memberSelect });
    return row ? toStaff(row) : undefined;
  }

  async credentialsByEmail(email: string): Promise<StaffCredentials | undefined> {
    return (await this.db.staffMember.findUnique({ where: { email }, select: { id: true, passwordHash: true, totpSecret: true, disabledAt: true } })) ?? undefined;
  }

  async credentialsById(id: string): Promise<StaffCredentials | undefined> {
    return (await this.db.staffMember.findUnique({ where: { id }, select: { id: true, passwordHash: true, totpSecret: true, disabledAt: true } })) ?? undefined;
  }

  /**
   * Takes the TOTP step, only if newer than the last one taken (so a replayed code fails even when sent in parallel);
   * with `signedInAt`, also clears the failed attempts and notes the login.
   */
  async takeTotpStep(id: string, step: number, signedInAt?: Date): Promise<boolean> {
    const login = signedInAt && { failedAttempts: 0, lockedUntil: null, lastLoginAt: signedInAt };
    const taken = await this.db.staffMember.updateMany({ where: { id, lastTotpStep: { lt: step } }, data: { lastTotpStep: step, ...login } });
    return taken.count === 1;
  }

  /**
   * Counts one attempt unless the account is locked, and locks it for `lockoutMs` when this attempt fills the count
   * of `max`. The number of attempts so far, or undefined when the account is locked (or unknown).
   */
  async countAttempt(id: string, max: number, now: Date, lockoutMs: number): Promise<number | undefined> {
    // Timestamps go in as UTC text: the column is a timestamp without time zone holding UTC, as Prisma writes it.
    const at = now.toISOString();
    const until = new Date(now.getTime() + lockoutMs).toISOString();
    // An expired lock starts the count again at this attempt; an active one matches no row.
    const rows = await this.db.$queryRaw<{ failedAttempts: number }[]>`
      UPDATE "StaffMember" SET
        "failedAttempts" = CASE WHEN "lockedUntil" IS NOT NULL THEN 1 ELSE "failedAttempts" + 1 END,
        "lockedUntil" = CASE WHEN (CASE WHEN "lockedUntil" IS NOT NULL THEN 1 ELSE "failedAttempts" + 1 END) >= ${max}
                        THEN (${until}::timestamptz AT TIME ZONE 'UTC') ELSE NULL END
      WHERE "id" = ${id}::uuid AND ("lockedUntil" IS NULL OR "lockedUntil" <= (${at}::timestamptz AT TIME ZONE 'UTC'))
      RETURNING "failedAttempts"`;
    return rows[0]?.failedAttempts;
  }

  /** False when there is no such account. */
  async clearLock(id: string): Promise<boolean> {
    return (await this.db.staffMember.updateMany({ where: { id }, data: { failedAttempts: 0, lockedUntil: null } })).count > 0;
  }

  /** False when there is no such account. */
  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    return (await this.db.staffMember.updateMany({ where: { id }, data: { disabledAt: disabled ? new Date() : null } })).count > 0;
  }

  /** The certificate or accreditation a doctor's /about entry shows; false when there is no such doctor. */
  async setDoctorCertificate(doctorId: string, number: string, validUntil: Date | null): Promise<boolean> {
    const { count } = await this.db.doctor.updateMany({ where: { id: doctorId }, data: { certificateNumber: number, certificateValidUntil: validUntil } });
    return count > 0;
  }
}
