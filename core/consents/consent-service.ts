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
