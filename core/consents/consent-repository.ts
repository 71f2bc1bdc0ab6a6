import type { Db } from "../db/prisma";
import type { ConsentKind } from "./consent-service";

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
  /** Kinds without a published text are asked in the shipped version (core/consents/consent-service.ts). */
  published: PublishedConsent[];
}

export class ConsentRepository {
  constructor(private readonly db: Db) {}

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
}
