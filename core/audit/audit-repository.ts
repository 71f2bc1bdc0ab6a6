import type { Db } from "../db/prisma";
import { recordAudit, type AuditEntry } from "./audit-log";

export interface AuditQuery {
  actorId?: string;
  /** A prefix: `consultation.` finds every consultation action. */
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: Date;
  to?: Date;
  limit: number;
}

/** An audit row as admins read it; `seq` (a BigInt, which JSON has not) is left out: `npm run audit:verify` checks the chain. */
export interface AuditEventView {
  id: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  meta: unknown;
  prevHash: string | null;
  hash: string | null;
}

/** The audit log for services that hold no transaction (inside one, `recordAudit(tx, …)` writes with it). */
export class AuditRepository {
  constructor(private readonly db: Db) {}

  record(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  /** Newest first. */
  async search(q: AuditQuery): Promise<AuditEventView[]> {
    return this.db.auditEvent.findMany({
      where: {
        actorId: q.actorId,
        action: q.action ? { startsWith: q.action } : undefined,
        entityType: q.entityType,
        entityId: q.entityId,
        at: q.from || q.to ? { gte: q.from, lte: q.to } : undefined,
      },
      orderBy: { at: "desc" },
      take: q.limit,
      omit: { seq: true },
    });
  }

  /** Of these files, those this actor uploaded, with the kind they declared (`medical` or `leaflet`). */
  async uploadsBy(actorId: string, fileIds: string[]): Promise<Array<{ fileId: string; kind: string | undefined }>> {
    const rows = await this.db.auditEvent.findMany({
      where: { action: "file.upload", actorId, entityType: "file", entityId: { in: fileIds } },
      select: { entityId: true, meta: true },
    });
    return rows.map((row) => ({ fileId: row.entityId, kind: (row.meta as { kind?: string } | null)?.kind }));
  }
}
