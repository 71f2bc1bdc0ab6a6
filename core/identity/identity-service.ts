import { createHash } from "node:crypto";
import type { Actor } from "../audit/audit-log";
import { notFound } from "../errors";
import type { IdentityLevel, VerificationMethod } from "./identity-level";
import type { IdentityRepository } from "./identity-repository";

const rank: Record<IdentityLevel, number> = { anonymous: 0, phone_confirmed: 1, verified: 2 };

/** Phone numbers and provider subjects are kept only as hashes: the level and its proof is all we need. */
export const hashIdentifier = (value: string): string => createHash("sha256").update(value).digest("hex");

/** Digits only, so "+7 (999) 123-45-67" and "79991234567" are the same number. */
export const normalizePhone = (phone: string): string => phone.replace(/\D/g, "");

/** A patient's identity level: raised by a confirmed phone, a clinic's staff or an identity provider, never lowered. */
export class IdentityService {
  constructor(private readonly identities: IdentityRepository) {}

  async level(patientId: string): Promise<IdentityLevel> {
    return (await this.identities.level(patientId)) ?? "anonymous";
  }

  async record(
    patientId: string,
    proof: { level: Exclude<IdentityLevel, "anonymous">; method: VerificationMethod; subject?: string; actor: Actor },
  ): Promise<IdentityLevel> {
    const level = await this.identities.record(
      patientId,
      { level: proof.level, method: proof.method, subjectHash: proof.subject ? hashIdentifier(proof.subject) : null, actorId: "id" in proof.actor ? proof.actor.id : null },
      (current) => (rank[proof.level] > rank[current] ? proof.level : current),
      { actor: proof.actor, action: "identity.verify", entityType: "patient", entityId: patientId, meta: { level: proof.level, method: proof.method } },
    );
    if (!level) throw notFound("patient");
    return level;
  }
}
