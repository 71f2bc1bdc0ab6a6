import { recordAudit } from "../audit/audit-log";
import type { Db, Tx } from "../db/prisma";
import { addDays } from "./retention";

type AttachmentRef = { fileId?: unknown };
/** The stored files a message's attachments name. */
export const fileIdsOf = (attachments: unknown): string[] =>
  Array.isArray(attachments) ? attachments.flatMap((a: AttachmentRef) => (typeof a?.fileId === "string" ? [a.fileId] : [])) : [];

/** What erasing a patient reads and changes; what is erased and what is kept is told in core/rights/patient-erasure.ts. */
export class PatientErasureRepository {
  constructor(private readonly db: Db) {}

  async state(patientId: string): Promise<{ erasedAt: Date | null; erasureRequestedAt: Date | null } | undefined> {
    return (await this.db.patient.findUnique({ where: { id: patientId }, select: { erasedAt: true, erasureRequestedAt: true } })) ?? undefined;
  }

  /** Notes the request; false when it was noted before. */
  async markRequested(patientId: string, at: Date): Promise<boolean> {
    return (await this.db.patient.updateMany({ where: { id: patientId, erasureRequestedAt: null }, data: { erasureRequestedAt: at } })).count > 0;
  }

  /** Requested and not yet done. */
  async isDue(patientId: string): Promise<boolean> {
    return (await this.db.patient.count({ where: { id: patientId, erasureRequestedAt: { not: null }, erasedAt: null } })) > 0;
  }

  /** Messages to the patient still queued, or updates of theirs not yet handled. */
  async messagesOnTheirWay(patientId: string): Promise<boolean> {
    if ((await this.db.outboxMessage.count({ where: { status: "pending", account: { patientId } } })) > 0) return true;
    const accounts = await this.db.messengerAccount.findMany({ where: { patientId }, select: { channel: true, chatId: true } });
    const chatKeys = accounts.map((a) => `${a.channel}:${a.chatId}`);
    return (await this.db.inboundEvent.count({ where: { status: "pending", chatKey: { in: chatKeys } } })) > 0;
  }

  /**
   * Erases in one transaction, with its audit row; the record is kept `retainDays` after its newest medical entry.
   * The files and web chats to destroy after the commit (a rollback must not lose bytes still referenced).
   */
  async erase(patientId: string, now: Date, retainDays: number): Promise<{ fileIds: string[]; webVisitors: string[] }> {
    return this.db.$transaction(async (tx) => {
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
      // A translation of such a file goes with it (core/second-opinion).
      const translations = await tx.translationRequest.findMany({ where: { consultationId: { in: outsideIds } }, select: { translationFileId: true } });
      fileIds.push(...translations.flatMap((t) => (t.translationFileId ? [t.translationFileId] : [])));
      await tx.translationRequest.deleteMany({ where: { consultationId: { in: outsideIds } } });
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
      const retainUntil = lastRecord ? addDays(lastRecord, retainDays) : now;
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
