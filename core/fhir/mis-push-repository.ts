import type { Db } from "../db/prisma";

export type MisPushStatus = "pending" | "sent" | "failed";

export interface MisPushRecord {
  protocolId: string;
  status: MisPushStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

/** A push in the admin's review list, with what names it to a person: the consultation and the protocol version. */
export interface FailedPush extends MisPushRecord {
  consultationNumber: number | null;
  version: number | null;
}

/** What a push needs to know about its protocol version before sending it. */
export interface PushSubject {
  status: "draft" | "signed";
  patientId: string;
  consultationId: string;
  consultationNumber: number;
  version: number;
  previousVersion: number | null;
  signedAt: Date | null;
  /** Set once every signed PDF of the version exists (the documents job's notice). */
  documentsDone: boolean;
  documentsError: string | null;
  documentIds: string[];
}

/** The MisPush rows: one per signed protocol version delivered to the clinic's MIS. */
export class MisPushRepository {
  constructor(private readonly db: Db) {}

  /** A row for the version, unless it has one (a second signing call or a re-queued job keeps the first). */
  async open(protocolId: string): Promise<void> {
    await this.db.misPush.upsert({ where: { protocolId }, create: { protocolId }, update: {} });
  }

  find(protocolId: string): Promise<MisPushRecord | null> {
    return this.db.misPush.findUnique({ where: { protocolId } });
  }

  async markSent(protocolId: string, now: Date): Promise<void> {
    await this.db.misPush.update({ where: { protocolId }, data: { status: "sent", sentAt: now, lastError: null, attempts: { increment: 1 } } });
  }

  /** One failed attempt; `final` puts the push on the review list. A row already sent stays sent. */
  async noteFailure(protocolId: string, error: string, final: boolean): Promise<void> {
    await this.db.misPush.updateMany({
      where: { protocolId, status: { not: "sent" } },
      data: { lastError: error.slice(0, 1000), attempts: { increment: 1 }, ...(final ? { status: "failed" } : {}) },
    });
  }

  /** A failed push back to pending (the admin's "retry now"); false when it is not on the review list. */
  async reopen(protocolId: string): Promise<boolean> {
    return (await this.db.misPush.updateMany({ where: { protocolId, status: "failed" }, data: { status: "pending" } })).count === 1;
  }

  async failed(limit: number): Promise<FailedPush[]> {
    const rows = await this.db.misPush.findMany({ where: { status: "failed" }, orderBy: [{ updatedAt: "desc" }, { protocolId: "asc" }], take: limit });
    const protocols = await this.db.protocol.findMany({
      where: { id: { in: rows.map((r) => r.protocolId) } },
      select: { id: true, version: true, consultation: { select: { number: true } } },
    });
    return rows.map((row) => {
      const protocol = protocols.find((p) => p.id === row.protocolId);
      return { ...row, consultationNumber: protocol?.consultation.number ?? null, version: protocol?.version ?? null };
    });
  }

  async subject(protocolId: string): Promise<PushSubject | null> {
    const row = await this.db.protocol.findUnique({
      where: { id: protocolId },
      select: {
        status: true, patientId: true, consultationId: true, version: true, previousId: true, signedAt: true, notifiedAt: true, documentsError: true,
        consultation: { select: { number: true } },
        documents: { select: { id: true }, orderBy: { kind: "asc" } },
      },
    });
    if (!row) return null;
    const previous = row.previousId ? await this.db.protocol.findUnique({ where: { id: row.previousId }, select: { version: true } }) : null;
    return {
      status: row.status,
      patientId: row.patientId,
      consultationId: row.consultationId,
      consultationNumber: row.consultation.number,
      version: row.version,
      previousVersion: previous?.version ?? null,
      signedAt: row.signedAt,
      documentsDone: row.notifiedAt !== null,
      documentsError: row.documentsError,
      documentIds: row.documents.map((d) => d.id),
    };
  }
}
