import { z } from "zod";
import type { Db, Tx } from "../db/prisma";
import type { AuditEntry } from "./audit-entry";

/** Health data is a special category (152-FZ): every access to it leaves a trace. Never put clinical text in `meta`. */
export async function recordAudit(db: Db | Tx, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorType: entry.actor.type,
      actorId: "id" in entry.actor ? entry.actor.id : null,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      meta: entry.meta as object | undefined,
    },
  });
}

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

/** What the api answers of an audit row: the repository's row passes through it, so no other column leaves. */
export const auditEventViewSchema = z.object({
  id: z.string(),
  at: z.date(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  meta: z.unknown(),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
}) satisfies z.ZodType<AuditEventView>;

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

export interface ChainReport {
  rows: number;
  /** The first row whose hash or link does not match, in chain order; undefined when the chain is whole. */
  firstBroken?: { seq: string; id: string; at: Date; action: string; reason: "hash" | "link" };
}

/**
 * Recomputes the hash chain of AuditEvent (written by the trigger of migration audit_append_only, with the same SQL
 * function) and finds the first row that was changed, or after which rows were removed or inserted. The oldest
 * remaining row anchors the chain: retention removes rows only from the start.
 */
export async function verifyAuditChain(db: Db): Promise<ChainReport> {
  const [{ rows }] = await db.$queryRaw<[{ rows: bigint }]>`SELECT count(*) AS rows FROM "AuditEvent"`;
  const broken = await db.$queryRaw<Array<{ seq: bigint; id: string; at: Date; action: string; hash_ok: boolean }>>`
    SELECT seq, id, at, action, hash IS NOT DISTINCT FROM recomputed AS hash_ok
    FROM (SELECT seq, id, at, action, hash, "prevHash", audit_event_hash("prevHash", e) AS recomputed,
                 lag(hash) OVER (ORDER BY seq) AS expected_prev, row_number() OVER (ORDER BY seq) AS n
          FROM "AuditEvent" e) c
    WHERE hash IS DISTINCT FROM recomputed OR (n > 1 AND "prevHash" IS DISTINCT FROM expected_prev)
    ORDER BY seq LIMIT 1`;
  const first = broken[0];
  return {
    rows: Number(rows),
    firstBroken: first && { seq: String(first.seq), id: first.id, at: first.at, action: first.action, reason: first.hash_ok ? "link" : "hash" },
  };
}

/**
 * The one path that may delete audit rows: the retention job, for rows older than their legal term. The database
 * refuses any other DELETE (and every UPDATE); the removal itself is recorded in the chain.
 */
export async function removeAuditEventsBefore(db: Db, before: Date): Promise<number> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SET LOCAL telecons.audit_retention = on`;
    // Only a prefix of the chain may go (the trigger checks it too): everything up to the last row older than `before`.
    const removed = await tx.$executeRaw`
      DELETE FROM "AuditEvent" WHERE seq <= (SELECT max(seq) FROM "AuditEvent" WHERE at < ${before})`;
    await recordAudit(tx, { actor: { type: "system" }, action: "audit.retention", entityType: "audit", entityId: "*", meta: { removed, before: before.toISOString() } });
    return removed;
  });
}
