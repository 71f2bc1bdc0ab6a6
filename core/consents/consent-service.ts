import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";

/**
 * Consents required before anything medical is stored (152-FZ, 323-FZ art. 36.2), in the order they are asked.
 * The version names the text in locales/ that the patient saw; a new text means a new version,
 * and consents to an older version no longer count.
 */
export const requiredConsents = [
  { kind: "personal_data", version: "2026-11-01" },
  { kind: "remote_care", version: "2026-11-01" },
] as const;

export const consentKindSchema = z.enum(["personal_data", "remote_care"]);
export type ConsentKind = z.infer<typeof consentKindSchema>;

export const currentVersion = (kind: ConsentKind): string =>
  requiredConsents.find((consent) => consent.kind === kind)!.version;

export class ConsentService {
  constructor(private readonly db: Db) {}

  /** The first required consent the patient has not given for the current text, or undefined when all are given. */
  async missingConsent(patientId: string): Promise<ConsentKind | undefined> {
    const given = await this.db.consent.findMany({
      where: { patientId, withdrawnAt: null },
      select: { kind: true, version: true },
    });
    return requiredConsents.find(
      (required) => !given.some((consent) => consent.kind === required.kind && consent.version === required.version),
    )?.kind;
  }

  /** The consents in force (not withdrawn), oldest first. */
  async given(patientId: string): Promise<Array<{ kind: ConsentKind; version: string; givenAt: Date }>> {
    return this.db.consent.findMany({
      where: { patientId, withdrawnAt: null },
      orderBy: { givenAt: "asc" },
      select: { kind: true, version: true, givenAt: true },
    });
  }

  /** Withdrawal (152-FZ art. 9): recorded, never deleted; processing stops until the patient consents again. */
  async withdraw(patientId: string, kind: ConsentKind): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const active = await tx.consent.findMany({ where: { patientId, kind, withdrawnAt: null }, select: { id: true } });
      if (active.length === 0) return false;
      await tx.consent.updateMany({ where: { id: { in: active.map((c) => c.id) } }, data: { withdrawnAt: new Date() } });
      for (const consent of active) {
        await recordAudit(tx, {
          actor: { type: "patient", id: patientId },
          action: "consent.withdraw",
          entityType: "consent",
          entityId: consent.id,
          meta: { kind },
        });
      }
      return true;
    });
  }

  async give(patientId: string, kind: ConsentKind): Promise<void> {
    const version = currentVersion(kind);
    await this.db.$transaction(async (tx) => {
      const already = await tx.consent.findFirst({ where: { patientId, kind, version, withdrawnAt: null } });
      if (already) return;
      const consent = await tx.consent.create({ data: { patientId, kind, version } });
      await recordAudit(tx, {
        actor: { type: "patient", id: patientId },
        action: "consent.give",
        entityType: "consent",
        entityId: consent.id,
        meta: { kind, version },
      });
    });
  }
}
