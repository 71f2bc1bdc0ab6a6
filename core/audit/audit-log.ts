import type { Db, Tx } from "../db/prisma";

export type Actor =
  | { type: "doctor"; id: string }
  | { type: "patient"; id: string }
  | { type: "staff"; id: string }
  /** A registered FHIR client (the clinic's MIS), by its client_id: core/fhir. */
  | { type: "client"; id: string }
  | { type: "system" };

export interface AuditEntry {
  actor: Actor;
  /** What was done, as `<entity>.<verb>`, e.g. `consultation.read`. */
  action: string;
  entityType: string;
  entityId: string;
  meta?: Record<string, unknown>;
}

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
