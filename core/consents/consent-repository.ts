import { recordAudit } from "../audit/audit-log";
import type { Db, Tx } from "../db/prisma";
import type { Language } from "../i18n";
import type { ConsentKind } from "./consent-kinds";

/** The newest published text of a kind: its version, and its text in the language asked for (null when not published in it). */
export interface PublishedConsent {
  kind: ConsentKind;
  version: string;
  text: string | null;
}

/** What a dialogue step needs to know about consents, read in one query. */
export interface ConsentSnapshot {
  /** The patient's consents in force (not withdrawn). */
  given: Array<{ kind: ConsentKind; version: string }>;
  /** Kinds without a published text are asked in the shipped version (core/consents/consent-kinds.ts). */
  published: PublishedConsent[];
}

/**
 * How long texts read as published stand: a text published in another process is asked from at most this later (this
 * one's own at once), and a burst of messages reads them once (issue 13).
 */
const PUBLISHED_FRESH_MS = 1000;

export class ConsentRepository {
  private readonly publishedIn = new Map<string, { readAt: number; published: Promise<PublishedConsent[]> }>();

  constructor(private readonly db: Db) {}

  /** The newest published text of each kind in `language`, read at most once a second. */
  published(language: string): Promise<PublishedConsent[]> {
    const last = this.publishedIn.get(language);
    if (last && Date.now() - last.readAt < PUBLISHED_FRESH_MS) return last.published;
    const published = this.snapshot(undefined, language).then((snapshot) => snapshot.published);
    this.publishedIn.set(language, { readAt: Date.now(), published });
    // A failed read is not kept.
    published.catch(() => this.publishedIn.delete(language));
    return published;
  }

  /** The patient's consents in force and the newest published text of each kind in `language`; one round trip. */
  async snapshot(patientId: string | undefined, language: string): Promise<ConsentSnapshot> {
    const rows = await this.db.$queryRaw<Array<{ given: boolean; kind: ConsentKind; version: string; text: string | null }>>`
      SELECT true AS given, c."kind"::text AS kind, c."version", NULL AS text
      FROM "Consent" c WHERE c."patientId" = ${patientId ?? null}::uuid AND c."withdrawnAt" IS NULL
      UNION ALL
      SELECT false, n.kind, n.version,
             (SELECT t."text" FROM "ConsentText" t WHERE t."kind"::text = n.kind AND t."version" = n.version AND t."language" = ${language})
      FROM (SELECT DISTINCT ON ("kind") "kind"::text AS kind, "version" FROM "ConsentText" ORDER BY "kind", "publishedAt" DESC) n`;
    return {
      given: rows.filter((row) => row.given).map(({ kind, version }) => ({ kind, version })),
      published: rows.filter((row) => !row.given).map(({ kind, version, text }) => ({ kind, version, text })),
    };
  }

  /** The published text of a version, in each language it was published in. */
  async textRows(kind: ConsentKind, version: string): Promise<Array<{ language: string; text: string; publishedAt: Date }>> {
    return this.db.consentText.findMany({ where: { kind, version }, select: { language: true, text: true, publishedAt: true } });
  }

  async textPublished(kind: ConsentKind, version: string): Promise<boolean> {
    return (await this.db.consentText.count({ where: { kind, version } })) > 0;
  }

  async publishText(
    kind: ConsentKind,
    version: string,
    texts: Record<Language, string>,
    publishedAt: Date,
    by: { type: "staff"; id: string },
  ): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.consentText.createMany({
        data: (Object.keys(texts) as Language[]).map((language) => ({ kind, version, language, text: texts[language], publishedAt, publishedById: by.id })),
      });
      await recordAudit(tx, { actor: by, action: "consent_text.publish", entityType: "consent_text", entityId: `${kind}:${version}` });
    });
    this.publishedIn.clear();
  }

  /** The consents in force (not withdrawn), oldest first. */
  async given(patientId: string): Promise<Array<{ kind: ConsentKind; version: string; givenAt: Date }>> {
    return this.db.consent.findMany({
      where: { patientId, withdrawnAt: null },
      orderBy: { givenAt: "asc" },
      select: { kind: true, version: true, givenAt: true },
    });
  }

  /** Marks the consents of a kind in force withdrawn, each with its audit row; false when none was. */
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

  /** Records a consent to this version with its audit row, unless one is already in force. */
  async give(patientId: string, kind: ConsentKind, version: string): Promise<void> {
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

/** Every consent of these kinds these patients ever gave, withdrawn or not (core/consents/processing-consent.ts); inside a transaction too. */
export async function consentStates(
  db: Db | Tx,
  patientIds: string[],
  kinds: ConsentKind[],
): Promise<Array<{ patientId: string; kind: ConsentKind; withdrawnAt: Date | null }>> {
  return db.consent.findMany({
    where: { patientId: { in: patientIds }, kind: { in: kinds } },
    select: { patientId: true, kind: true, withdrawnAt: true },
  });
}
