import type { Db } from "../db/prisma";
import type { IdentityLevel } from "../identity/identity-level";

/** The account's login links, sessions, and what it shows of the patient's record. */
export class AccountRepository {
  constructor(private readonly db: Db) {}

  async createLink(tokenHash: string, patientId: string, expiresAt: Date): Promise<void> {
    await this.db.accountLoginLink.create({ data: { tokenHash, patientId, expiresAt } });
  }

  /**
   * Marks the link used, if it is unused and not expired: of two requests with one link, only one gets it. The
   * link's patient, or undefined.
   */
  async useLink(tokenHash: string, now: Date): Promise<string | undefined> {
    const link = await this.db.accountLoginLink.findUnique({ where: { tokenHash }, select: { id: true, patientId: true } });
    if (!link) return undefined;
    const used = await this.db.accountLoginLink.updateMany({ where: { id: link.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    return used.count ? link.patientId : undefined;
  }

  async createSession(tokenHash: string, patientId: string, expiresAt: Date): Promise<void> {
    await this.db.accountSession.create({ data: { tokenHash, patientId, expiresAt } });
  }

  async session(tokenHash: string): Promise<{ patientId: string; expiresAt: Date } | undefined> {
    return (await this.db.accountSession.findUnique({ where: { tokenHash }, select: { patientId: true, expiresAt: true } })) ?? undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.accountSession.deleteMany({ where: { tokenHash } });
  }

  async patient(patientId: string): Promise<{ language: string; identityLevel: IdentityLevel } | undefined> {
    return (await this.db.patient.findUnique({ where: { id: patientId }, select: { language: true, identityLevel: true } })) ?? undefined;
  }

  /** Newest first. */
  async consultations(patientId: string): Promise<Array<{ id: string; number: number; status: string; createdAt: Date }>> {
    return this.db.consultation.findMany({ where: { patientId }, orderBy: { createdAt: "desc" }, select: { id: true, number: true, status: true, createdAt: true } });
  }

  /** Signed protocols, newest first. */
  async signedProtocols(patientId: string): Promise<Array<{ id: string; consultationId: string; version: number; signedAt: Date | null }>> {
    return this.db.protocol.findMany({
      where: { patientId, status: "signed" },
      orderBy: { signedAt: "desc" },
      select: { id: true, consultationId: true, version: true, signedAt: true },
    });
  }

  async labOrderCount(patientId: string): Promise<number> {
    return this.db.labOrder.count({ where: { patientId } });
  }
}
