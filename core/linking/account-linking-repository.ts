import { recordAudit, type AuditEntry } from "../audit/audit-log";
import type { Db } from "../db/prisma";

/** Prisma's "a foreign key still points here": the new patient already has data of its own. */
const isForeignKeyViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2003";

export class AccountLinkingRepository {
  constructor(private readonly db: Db) {}

  /**
   * Moves the source patient's messenger accounts and consents to the target and deletes the source, with the audit
   * row. "has_history" (and nothing changed) while anything else still belongs to the source: data is never merged silently.
   */
  async merge(sourcePatientId: string, targetPatientId: string, audit: AuditEntry): Promise<"linked" | "has_history"> {
    try {
      await this.db.$transaction(async (tx) => {
        await tx.messengerAccount.updateMany({ where: { patientId: sourcePatientId }, data: { patientId: targetPatientId } });
        await tx.consent.updateMany({ where: { patientId: sourcePatientId }, data: { patientId: targetPatientId } });
        await tx.patient.delete({ where: { id: sourcePatientId } });
        await recordAudit(tx, audit);
      });
      return "linked";
    } catch (error) {
      if (isForeignKeyViolation(error)) return "has_history";
      throw error;
    }
  }

  async patientLanguage(patientId: string): Promise<string | undefined> {
    return (await this.db.patient.findUnique({ where: { id: patientId }, select: { language: true } }))?.language;
  }
}
