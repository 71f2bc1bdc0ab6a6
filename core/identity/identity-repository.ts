import type { AuditEntry } from "../audit/audit-log";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { IdentityLevel, VerificationMethod } from "./identity-level";

export interface Verification {
  level: Exclude<IdentityLevel, "anonymous">;
  method: VerificationMethod;
  /** Hashed: the proof is kept, not the phone number or the provider's subject. */
  subjectHash: string | null;
  actorId: string | null;
}

export class IdentityRepository {
  constructor(private readonly db: Db) {}

  /** Undefined for an unknown patient. */
  async level(patientId: string): Promise<IdentityLevel | undefined> {
    return (await this.db.patient.findUnique({ where: { id: patientId }, select: { identityLevel: true } }))?.identityLevel;
  }

  /**
   * Records the verification and moves the patient to `levelAfter(current)`, with the audit row (its meta gets the
   * verification's id), in one transaction. The new level, or undefined for an unknown patient.
   */
  async record(
    patientId: string,
    verification: Verification,
    levelAfter: (current: IdentityLevel) => IdentityLevel,
    audit: AuditEntry,
  ): Promise<IdentityLevel | undefined> {
    return this.db.$transaction(async (tx) => {
      const patient = await tx.patient.findUnique({ where: { id: patientId }, select: { identityLevel: true } });
      if (!patient) return undefined;
      const level = levelAfter(patient.identityLevel);
      if (level !== patient.identityLevel) await tx.patient.update({ where: { id: patientId }, data: { identityLevel: level } });
      const { subjectHash: subject, ...rest } = verification;
      const row = await tx.identityVerification.create({ data: { patientId, subject, ...rest } });
      await recordAudit(tx, { ...audit, meta: { ...audit.meta, verificationId: row.id } });
      return level;
    });
  }
}
