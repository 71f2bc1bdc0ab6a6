import { createHash } from "node:crypto";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { notFound } from "../errors";

export type IdentityLevel = "anonymous" | "phone_confirmed" | "verified";
export type VerificationMethod = "telegram_contact" | "sms" | "staff" | "oidc";

const rank: Record<IdentityLevel, number> = { anonymous: 0, phone_confirmed: 1, verified: 2 };

/** Phone numbers and provider subjects are kept only as hashes: the level and its proof is all we need. */
export const hashIdentifier = (value: string): string => createHash("sha256").update(value).digest("hex");

/** Digits only, so "+7 (999) 123-45-67" and "79991234567" are the same number. */
export const normalizePhone = (phone: string): string => phone.replace(/\D/g, "");

/** A patient's identity level: raised by a confirmed phone, a clinic's staff or an identity provider, never lowered. */
export class IdentityService {
  constructor(private readonly db: Db) {}

  async level(patientId: string): Promise<IdentityLevel> {
    const patient = await this.db.patient.findUnique({ where: { id: patientId }, select: { identityLevel: true } });
    return patient?.identityLevel ?? "anonymous";
  }

  async record(
    patientId: string,
    proof: { level: Exclude<IdentityLevel, "anonymous">; method: VerificationMethod; subject?: string; actor: Actor },
  ): Promise<IdentityLevel> {
    return this.db.$transaction(async (tx) => {
      const patient = await tx.patient.findUnique({ where: { id: patientId }, select: { identityLevel: true } });
      if (!patient) throw notFound("patient");
      const level = rank[proof.level] > rank[patient.identityLevel] ? proof.level : patient.identityLevel;
      if (level !== patient.identityLevel) await tx.patient.update({ where: { id: patientId }, data: { identityLevel: level } });
      const row = await tx.identityVerification.create({
        data: {
          patientId,
          level: proof.level,
          method: proof.method,
          subject: proof.subject ? hashIdentifier(proof.subject) : null,
          actorId: "id" in proof.actor ? proof.actor.id : null,
        },
      });
      await recordAudit(tx, {
        actor: proof.actor,
        action: "identity.verify",
        entityType: "patient",
        entityId: patientId,
        meta: { level: proof.level, method: proof.method, verificationId: row.id },
      });
      return level;
    });
  }
}
