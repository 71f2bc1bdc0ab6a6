import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db, Tx } from "../db/prisma";
import { notFound } from "../errors";
import type { StoredFiles } from "../files/stored-files";
import { addDays, type RetentionPeriods } from "./retention";

/** Runs the erasure later, after the patient's last messages (the confirmation) went out: workers/retention.worker.ts. */
export interface ErasureQueue {
  enqueueErasure(patientId: string): Promise<void>;
}

export interface ErasureDeps {
  db: Db;
  files: StoredFiles;
  queue: ErasureQueue;
  retention: RetentionPeriods;
  /** Drops the web chat's copy of the conversation (a Redis stream per visitor). */
  clearWebChat: (visitorId: string) => Promise<void>;
}

type AttachmentRef = { fileId?: unknown };
const fileIdsOf = (attachments: unknown): string[] =>
  Array.isArray(attachments) ? attachments.flatMap((a: AttachmentRef) => (typeof a?.fileId === "string" ? [a.fileId] : [])) : [];

/**
 * The patient's right to have their data destroyed (152-FZ art. 21 p. 5, on withdrawal of consent), short of
 * what another law makes the clinic keep. Erased or anonymised: messenger ids and chats, the phone's hash, chat
 * texts and files outside the medical record (consultations no doctor took, unfinished intakes, the outbox's
 * copies), device tokens, account links, reminders. Kept, restricted (core/access/care-access.ts) until
 * `retainUntil`: consultations a doctor took with their messages, protocols, signed documents, visits, results,
 * readings, consents as given, and the audit trail (never touched here).
 */
export class PatientErasure {
  constructor(private readonly deps: ErasureDeps) {}

  /** Records the request (once) and queues the erasure; audited. */
  async request(patientId: string, actor: Actor, via: "bot" | "account"): Promise<void> {
    const { db } = this.deps;
    const patient = await db.patient.findUnique({ where: { id: patientId }, select: { id: true } });
    if (!patient) throw notFound("patient");
    const first = await db.patient.updateMany({ where: { id: patientId, erasureRequestedAt: null }, data: { erasureRequestedAt: new Date() } });
    await recordAudit(db, { actor, action: "patient.erasure_request", entityType: "patient", entityId: patientId, meta: { via, repeated: first.count === 0 } });
    await this.deps.queue.enqueueErasure(patientId);
  }

  /**
   * A requested erasure waits while messages to the patient are still queued: the last one is its confirmation.
   * The request is made while the patient's update is being handled, and the confirmation is written when that
   * update is finished, so an update of theirs still pending counts as a message on its way.
   */
  async waitsForMessages(patientId: string): Promise<boolean> {
    const { db } = this.deps;
    const due = await db.patient.count({ where: { id: patientId, erasureRequestedAt: { not: null }, erasedAt: null } });
    if (due === 0) return false;
    if ((await db.outboxMessage.count({ where: { status: "pending", account: { patientId } } })) > 0) return true;
    const accounts = await db.messengerAccount.findMany({ where: { patientId }, select: { channel: true, chatId: true } });
    const chatKeys = accounts.map((a) => `${a.channel}:${a.chatId}`);
    return (await db.inboundEvent.count({ where: { status: "pending", chatKey: { in: chatKeys } } })) > 0;
  }

  /** Erases once; a repeated run (a redelivered job) changes nothing. */
  async erase(patientId: string, now = new Date()): Promise<"erased" | "already_erased" | "not_requested"> {
    const { db } = this.deps;
    const patient = await db.patient.findUnique({ where: { id: patientId }, select: { erasedAt: true, erasureRequestedAt: true } });
    if (!patient) return "not_requested";
    if (patient.erasedAt) return "already_erased";
    if (!patient.erasureRequestedAt) return "not_requested";

    const result = await db.$transaction(async (tx) => {
      const accounts = await tx.messengerAccount.findMany({ where: { patientId }, select: { id: true, channel: true, externalUserId: true, chatId: true } });
      // The raw updates the messengers sent carry names, phones and texts: those already handled go with the ids
      // (pending ones are still to be answered, by then to a new anonymous patient).
      await tx.inboundEvent.deleteMany({ where: { chatKey: { in: accounts.map((a) => `${a.channel}:${a.chatId}`) }, status: { not: "pending" } } });
      // The unique (channel, externalUserId) now names nobody: the same messenger user writing again is a new patient.
      for (const account of accounts) {
        await tx.messengerAccount.update({
          where: { id: account.id },
          data: { externalUserId: `erased:${account.id}`, chatId: "erased", unreachableAt: now },
        });
      }
      await tx.identityVerification.updateMany({ where: { patientId }, data: { subject: null } });
      // Erasure ends processing: every consent still in force is withdrawn (the rows stay as evidence they were given).
      await tx.consent.updateMany({ where: { patientId, withdrawnAt: null }, data: { withdrawnAt: now } });
      await tx.outboxMessage.updateMany({ where: { status: "pending", account: { patientId } }, data: { status: "failed", lastError: "patient erased" } });
      const copies = await tx.outboxMessage.updateMany({ where: { account: { patientId } }, data: { payload: { text: "[erased]" } } });

      // Consultations no doctor took are not part of the medical record: their texts and files go.
      const outside = await tx.consultation.findMany({ where: { patientId, doctorId: null }, select: { id: true } });
      const outsideIds = outside.map((c) => c.id);
      const messages = await tx.message.findMany({ where: { consultationId: { in: outsideIds } }, select: { attachments: true } });
      const fileIds = messages.flatMap((m) => fileIdsOf(m.attachments));
      const texts = await tx.message.updateMany({ where: { consultationId: { in: outsideIds } }, data: { text: "", attachments: [] } });
      await tx.intake.updateMany({ where: { consultationId: { in: outsideIds } }, data: { complaint: "", answers: [], exam: undefined, area: null } });
      const intakes = await tx.intake.deleteMany({ where: { patientId, consultationId: null } });

      const tokens = await tx.ingestionToken.deleteMany({ where: { patientId } });
      await tx.accountSession.deleteMany({ where: { patientId } });
      await tx.accountLoginLink.deleteMany({ where: { patientId } });
      await tx.reminderOccurrence.updateMany({ where: { patientId, status: { in: ["scheduled", "snoozed"] } }, data: { status: "cancelled" } });
      await tx.medicationSchedule.updateMany({ where: { patientId, cancelledAt: null }, data: { cancelledAt: now } });
      await tx.reminderPreference.deleteMany({ where: { patientId } });

      const lastRecord = await lastMedicalRecord(tx, patientId);
      const retainUntil = lastRecord ? addDays(lastRecord, this.deps.retention.medical_record.days) : now;
      await tx.patient.update({ where: { id: patientId }, data: { erasedAt: now, retainUntil } });
      await recordAudit(tx, {
        actor: { type: "system" },
        action: "patient.erase",
        entityType: "patient",
        entityId: patientId,
        meta: {
          accounts: accounts.length,
          messagesErased: texts.count,
          filesErased: fileIds.length,
          intakesDeleted: intakes.count,
          deliveryCopiesErased: copies.count,
          deviceTokensDeleted: tokens.count,
          medicalRecordKept: lastRecord !== undefined,
          retainUntil: retainUntil.toISOString(),
        },
      });
      return { webVisitors: accounts.filter((a) => a.channel === "web").map((a) => a.externalUserId), fileIds };
    });
    // After the commit: a rollback must not have lost bytes still referenced.
    await this.deps.files.remove(result.fileIds);
    for (const visitorId of result.webVisitors) await this.deps.clearWebChat(visitorId);
    return "erased";
  }
}

/** The newest record medical-records law keeps: its date starts the retention period. */
export async function lastMedicalRecord(db: Db | Tx, patientId: string): Promise<Date | undefined> {
  const dates = await Promise.all([
    db.consultation.aggregate({ where: { patientId, doctorId: { not: null } }, _max: { updatedAt: true } }).then((r) => r._max.updatedAt),
    db.protocol.aggregate({ where: { patientId }, _max: { updatedAt: true } }).then((r) => r._max.updatedAt),
    db.inPersonVisit.aggregate({ where: { patientId }, _max: { createdAt: true } }).then((r) => r._max.createdAt),
    db.videoVisit.aggregate({ where: { patientId, doctorId: { not: null } }, _max: { requestedAt: true } }).then((r) => r._max.requestedAt),
    db.labOrder.aggregate({ where: { patientId }, _max: { createdAt: true } }).then((r) => r._max.createdAt),
    db.reading.aggregate({ where: { patientId }, _max: { receivedAt: true } }).then((r) => r._max.receivedAt),
  ]);
  const present = dates.filter((d): d is Date => d !== null);
  return present.length ? new Date(Math.max(...present.map((d) => d.getTime()))) : undefined;
}
