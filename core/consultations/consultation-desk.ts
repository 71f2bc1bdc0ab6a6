import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { messageAttachmentSchema, type MessageAttachment } from "../channels/attachment";
import type { Db } from "../db/prisma";
import { Prisma } from "../db/generated/client";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import { matchLanguage, translator } from "../i18n";
import type { Outbox } from "../outbox/outbox";
import type { ConsoleEvents } from "../realtime/console-events";
import type { StaffMember } from "../staff/staff-service";
import { consultationStatusSchema, type ConsultationStatus } from "./consultation-service";
import type { IntakeReader, IntakeView } from "./intake-reader";
import { ProcessingConsent } from "../consents/processing-consent";

export const queueFilterSchema = z.object({
  view: consultationStatusSchema.optional(),
  specialty: z.string().trim().min(1).max(50).optional(),
  language: z.string().trim().length(2).optional(),
  urgent: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  /** Only questions waiting at least this long (the "age of the question" filter). */
  minAgeMinutes: z.coerce.number().int().min(0).max(100_000).optional(),
});
export type QueueFilter = z.infer<typeof queueFilterSchema>;

/** What a doctor's file is, declared on upload (kept in the `file.upload` audit row, which is append-only). */
export const fileKindSchema = z.enum(["medical", "leaflet"]);

export const answerSchema = z.object({
  text: z.string().trim().min(1).max(4000),
  /** A follow-up question: the consultation then waits for the patient. */
  followUp: z.boolean().default(false),
  fileIds: z.array(z.uuid()).max(5).default([]),
});

/** Outcomes that say medical care was given: closing with one needs a signed protocol (Order 965n: care is documented). */
export const medicalOutcomes = ["advice_given", "in_person_visit", "emergency_referral"] as const;
/** "No medical care given": spam, the patient left (no reply), a duplicate, consent withdrawn. Audited as such. */
export const noCareOutcomes = ["no_reply", "duplicate", "spam", "consent_withdrawn"] as const;

export const closeSchema = z.object({
  outcome: z.enum([...medicalOutcomes, ...noCareOutcomes]),
  note: z.string().trim().max(2000).optional(),
});

/** A queue row: what routing needs and nothing clinical, so operators can see it too. */
export interface QueueItem {
  id: string;
  number: number;
  status: ConsultationStatus;
  specialty: string;
  patientLanguage: string;
  urgent: boolean;
  doctorId: string | null;
  doctorName: string | null;
  createdAt: Date;
  updatedAt: Date;
  escalatedAt: Date | null;
}

export interface ThreadMessage {
  id: string;
  authorRole: "patient" | "doctor";
  doctorId: string | null;
  text: string;
  attachments: MessageAttachment[];
  deliveryStatus: "pending" | "sent" | "failed" | null;
  createdAt: Date;
}

export interface Thread extends QueueItem {
  patientId: string;
  identityLevel: string;
  outcome: string | null;
  intake: IntakeView | null;
  previous: Array<{ id: string; number: number; status: ConsultationStatus; specialty: string; createdAt: Date; outcome: string | null }>;
  /** No visit records exist in the system yet: "unknown" until a clinic integration provides them. */
  inPersonVisit: "yes" | "no" | "unknown";
  /** The patient withdrew consent: the console says so and only the closing notice may be sent. */
  consentWithdrawn: boolean;
  messages: ThreadMessage[];
}

const queueSelect = {
  id: true,
  number: true,
  status: true,
  specialty: true,
  urgent: true,
  doctorId: true,
  createdAt: true,
  updatedAt: true,
  escalatedAt: true,
  doctor: { select: { name: true } },
  patient: { select: { language: true } },
} as const;

type QueueRow = {
  id: string;
  number: number;
  status: ConsultationStatus;
  specialty: string;
  urgent: boolean;
  doctorId: string | null;
  createdAt: Date;
  updatedAt: Date;
  escalatedAt: Date | null;
  doctor: { name: string } | null;
  patient: { language: string };
};

const toItem = (row: QueueRow): QueueItem => ({
  id: row.id,
  number: row.number,
  status: row.status,
  specialty: row.specialty,
  patientLanguage: row.patient.language,
  urgent: row.urgent,
  doctorId: row.doctorId,
  doctorName: row.doctor?.name ?? null,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  escalatedAt: row.escalatedAt,
});

const actorOf = (staff: StaffMember) =>
  staff.doctor ? ({ type: "doctor", id: staff.doctor.id } as const) : ({ type: "staff", id: staff.id } as const);

/** A doctor sees consultations assigned to them, or unassigned ones in their specialties and languages. */
export const visibleTo = (doctor: Doctor) => ({
  // An erased patient's kept record is restricted (core/rights/patient-erasure.ts): out of every queue and thread.
  patient: { erasedAt: null },
  OR: [
    { doctorId: doctor.id },
    { doctorId: null, specialty: { in: doctor.specialties }, patient: { language: { in: doctor.languages } } },
  ],
});

function requireDoctor(staff: StaffMember): Doctor {
  if (staff.role !== "doctor" || !staff.doctor) {
    throw new AppError("forbidden", "only the treating doctors see clinical content");
  }
  return staff.doctor;
}

/** The console's side of asynchronous consultations: the queue, the thread, take, answer, close. */
export class ConsultationDesk {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly events: ConsoleEvents,
    private readonly intake: IntakeReader,
  ) {}

  /** Doctors see their own queue; operators and admins see every consultation's routing facts. */
  async queue(staff: StaffMember, filter: QueueFilter, now = new Date()): Promise<QueueItem[]> {
    // One SQL statement: the queue is the console's hottest read, and the ORM's relation filters cost ~5× here.
    const conditions: Prisma.Sql[] = [filter.view ? Prisma.sql`c.status = ${filter.view}::"ConsultationStatus"` : Prisma.sql`c.status <> 'closed'`];
    if (staff.role === "doctor" && staff.doctor) {
      const d = staff.doctor;
      conditions.push(
        Prisma.sql`(c."doctorId" = ${d.id}::uuid OR (c."doctorId" IS NULL AND c.specialty = ANY(${d.specialties}::text[]) AND p.language = ANY(${d.languages}::text[])))`,
      );
    }
    if (filter.specialty) conditions.push(Prisma.sql`c.specialty = ${filter.specialty}`);
    if (filter.language) conditions.push(Prisma.sql`p.language = ${filter.language}`);
    if (filter.urgent !== undefined) conditions.push(Prisma.sql`c.urgent = ${filter.urgent}`);
    if (filter.minAgeMinutes) conditions.push(Prisma.sql`c."createdAt" <= ${new Date(now.getTime() - filter.minAgeMinutes * 60_000)}`);
    // Red flags first, then whoever has waited longest; closed ones newest first.
    const order = filter.view === "closed" ? Prisma.sql`c."closedAt" DESC` : Prisma.sql`c.urgent DESC, c."createdAt" ASC`;
    const rows = await this.db.$queryRaw<QueueItem[]>`
      SELECT c.id, c.number, c.status::text AS status, c.specialty, p.language AS "patientLanguage", c.urgent,
             c."doctorId", d.name AS "doctorName", c."createdAt", c."updatedAt", c."escalatedAt"
      FROM "Consultation" c
      JOIN "Patient" p ON p.id = c."patientId"
      LEFT JOIN "Doctor" d ON d.id = c."doctorId"
      WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY ${order}
      LIMIT 100`;
    await recordAudit(this.db, {
      actor: actorOf(staff),
      action: "consultation.list",
      entityType: "consultation",
      entityId: "*",
      meta: { ids: rows.map((row) => row.id) },
    });
    return rows;
  }

  private async visibleOrThrow(doctor: Doctor, consultationId: string) {
    const row = await this.db.consultation.findFirst({ where: { id: consultationId, ...visibleTo(doctor) }, select: { id: true } });
    if (!row) {
      const exists = await this.db.consultation.count({ where: { id: consultationId } });
      throw exists ? new AppError("forbidden", "this consultation is not yours") : notFound("consultation");
    }
  }

  async thread(staff: StaffMember, consultationId: string): Promise<Thread> {
    const doctor = requireDoctor(staff);
    await this.visibleOrThrow(doctor, consultationId);
    const row = await this.db.consultation.findUniqueOrThrow({
      where: { id: consultationId },
      select: {
        ...queueSelect,
        patientId: true,
        outcome: true,
        patient: { select: { language: true, identityLevel: true } },
      },
    });
    const [messages, previous, intake, consentAllows] = await Promise.all([
      this.db.message.findMany({
        where: { consultationId },
        orderBy: { createdAt: "asc" },
        select: { id: true, authorRole: true, doctorId: true, text: true, attachments: true, deliveryStatus: true, createdAt: true },
      }),
      this.db.consultation.findMany({
        where: { patientId: row.patientId, id: { not: consultationId } },
        orderBy: { createdAt: "desc" },
        take: 20,
        select: { id: true, number: true, status: true, specialty: true, createdAt: true, outcome: true },
      }),
      this.intake.forConsultation(consultationId),
      new ProcessingConsent(this.db).allows(row.patientId),
    ]);
    await recordAudit(this.db, {
      actor: { type: "doctor", id: doctor.id },
      action: "consultation.read",
      entityType: "consultation",
      entityId: consultationId,
    });
    return {
      ...toItem(row),
      patientId: row.patientId,
      identityLevel: row.patient.identityLevel,
      outcome: row.outcome,
      intake,
      previous,
      inPersonVisit: "unknown",
      consentWithdrawn: !consentAllows,
      messages: messages.map((m) => ({ ...m, attachments: z.array(messageAttachmentSchema).catch([]).parse(m.attachments) })),
    };
  }

  /** Of two doctors pressing "take" at once exactly one wins: the update only matches an unassigned row. */
  async take(staff: StaffMember, consultationId: string): Promise<void> {
    const doctor = requireDoctor(staff);
    // One conditional update decides: of two doctors pressing "take" at once, the loser is told it is taken (409),
    // not that it is not theirs, whichever of the two checks it would otherwise reach first.
    const taken = await this.db.consultation.updateMany({
      where: { id: consultationId, doctorId: null, status: { not: "closed" }, specialty: { in: doctor.specialties }, patient: { language: { in: doctor.languages } } },
      data: { doctorId: doctor.id, status: "in_progress", takenAt: new Date() },
    });
    if (taken.count === 0) {
      const row = await this.db.consultation.findUnique({ where: { id: consultationId }, select: { doctorId: true } });
      if (!row) throw notFound("consultation");
      if (row.doctorId) throw new AppError("conflict", "another doctor has already taken this consultation");
      throw new AppError("forbidden", "this consultation is not open to you");
    }
    await recordAudit(this.db, { actor: { type: "doctor", id: doctor.id }, action: "consultation.take", entityType: "consultation", entityId: consultationId });
    await this.publish("consultation.taken", consultationId);
  }

  /**
   * The doctor who accepted the patient's video call has the consultation the call came from: the queue shows them,
   * not "unassigned" (issue 16). A consultation someone else already holds stays theirs.
   */
  async takeForCall(doctorId: string, consultationId: string): Promise<void> {
    const taken = await this.db.consultation.updateMany({
      where: { id: consultationId, doctorId: null, status: { not: "closed" } },
      data: { doctorId, status: "in_progress", takenAt: new Date() },
    });
    if (!taken.count) return;
    await recordAudit(this.db, { actor: { type: "doctor", id: doctorId }, action: "consultation.take", entityType: "consultation", entityId: consultationId, meta: { by: "video.accept" } });
    await this.publish("consultation.taken", consultationId);
  }

  /** Operators route: give an open consultation to a doctor (who then sees it as theirs). */
  async assign(staff: StaffMember, consultationId: string, doctorId: string): Promise<void> {
    if (staff.role === "doctor") throw new AppError("forbidden", "operators and admins assign consultations");
    const doctor = await this.db.doctor.findUnique({ where: { id: doctorId }, select: { id: true } });
    if (!doctor) throw notFound("doctor");
    const assigned = await this.db.consultation.updateMany({
      where: { id: consultationId, status: { not: "closed" } },
      data: { doctorId, status: "in_progress", takenAt: new Date() },
    });
    if (!assigned.count) throw notFound("open consultation");
    await recordAudit(this.db, { actor: actorOf(staff), action: "consultation.assign", entityType: "consultation", entityId: consultationId, meta: { doctorId } });
    await this.publish("consultation.taken", consultationId);
  }

  /** The doctor's answer (or follow-up question) to the patient's messenger, with files when attached. */
  async answer(staff: StaffMember, consultationId: string, input: z.input<typeof answerSchema>): Promise<ThreadMessage> {
    const doctor = requireDoctor(staff);
    const { text, followUp, fileIds } = answerSchema.parse(input);
    await this.visibleOrThrow(doctor, consultationId);
    // Only files this doctor uploaded for an answer: an id of another patient's photo must not leak to this patient.
    const uploads = await this.db.auditEvent.findMany({
      where: { action: "file.upload", actorId: doctor.id, entityType: "file", entityId: { in: fileIds } },
      select: { meta: true },
    });
    const files = uploads.length === fileIds.length ? await this.db.storedFile.findMany({ where: { id: { in: fileIds } } }) : [];
    if (files.length !== fileIds.length) throw notFound("file");
    // A messenger does not know who holds the phone: medical documents go to an unverified patient only through the
    // account, after identity verification; instructions and leaflets may go by chat.
    const medical = uploads.some((u) => (u.meta as { kind?: string } | null)?.kind !== "leaflet");
    if (medical) {
      const { patient } = await this.db.consultation.findUniqueOrThrow({ where: { id: consultationId }, select: { patient: { select: { identityLevel: true } } } });
      if (patient.identityLevel !== "verified") {
        throw new AppError("forbidden", "the patient's identity is not verified: medical documents reach them only through the account after verification; only leaflets and instructions may be sent in the chat");
      }
    }
    const attachments: MessageAttachment[] = files.map((f) => ({
      fileId: f.id,
      kind: f.mimeType.startsWith("image/") ? "photo" : "document",
      mimeType: f.mimeType,
      fileName: f.fileName,
      size: f.size,
    }));
    const { message, outboxIds } = await this.db.$transaction(async (tx) => {
      const consultation = await tx.consultation.findUniqueOrThrow({
        where: { id: consultationId },
        include: { patient: { select: { language: true } } },
      });
      if (consultation.status === "closed") throw new AppError("conflict", "consultation is closed");
      // After a withdrawal the clinic may still close the consultation (the closing notice), nothing else.
      await new ProcessingConsent(tx).require(consultation.patientId, "a reply");
      const now = new Date();
      const taken = await tx.consultation.updateMany({
        where: { id: consultationId, OR: [{ doctorId: null }, { doctorId: doctor.id }] },
        data: { doctorId: doctor.id, status: "waiting_for_patient", takenAt: consultation.takenAt ?? now, answeredAt: now },
      });
      if (taken.count === 0) throw new AppError("conflict", "another doctor has already taken this consultation");
      const message = await tx.message.create({
        data: { consultationId, authorRole: "doctor", doctorId: doctor.id, text, attachments, deliveryStatus: "pending" },
        select: { id: true, authorRole: true, doctorId: true, text: true, deliveryStatus: true, createdAt: true },
      });
      const language = matchLanguage(consultation.patient.language) ?? "ru";
      const patientText = followUp
        ? translator(language, "console-patient")("follow_up", { doctorName: doctor.name, number: consultation.number, text })
        : translator(language)("doctor_reply", { doctorName: doctor.name, text });
      const outboxIds = [await this.outbox.write(tx, consultation.accountId, { text: patientText, medical: true }, message.id)];
      if (attachments.length) {
        const note = translator(language, "console-patient")("files_attached", { count: attachments.length, number: consultation.number });
        // --- channels --- the files themselves follow the note in the patient's messenger
        const files = attachments.map(({ fileId, kind, fileName, mimeType }) => ({ fileId, kind, fileName, mimeType }));
        outboxIds.push(await this.outbox.write(tx, consultation.accountId, { text: note, files, medical: true }));
      }
      await recordAudit(tx, {
        actor: { type: "doctor", id: doctor.id },
        action: followUp ? "consultation.follow_up" : "consultation.reply",
        entityType: "consultation",
        entityId: consultationId,
        meta: { messageId: message.id, fileIds },
      });
      return { message: { ...message, attachments }, outboxIds };
    });
    for (const id of outboxIds) await this.outbox.dispatch(id);
    await this.publish("consultation.message", consultationId);
    return message;
  }

  async close(staff: StaffMember, consultationId: string, input: z.input<typeof closeSchema>): Promise<void> {
    const doctor = requireDoctor(staff);
    const { outcome } = closeSchema.parse(input);
    await this.visibleOrThrow(doctor, consultationId);
    const medicalCare = (medicalOutcomes as readonly string[]).includes(outcome);
    const outboxId = await this.db.$transaction(async (tx) => {
      const signed = await tx.protocol.findFirst({ where: { consultationId, status: "signed" }, orderBy: { version: "desc" }, select: { id: true } });
      if (medicalCare && !signed) {
        throw new AppError("conflict", `sign the protocol before closing with "${outcome}", or close with an outcome where no medical care was given (${noCareOutcomes.join(", ")})`);
      }
      const closed = await tx.consultation.updateMany({
        where: { id: consultationId, doctorId: doctor.id, status: { not: "closed" } },
        data: { status: "closed", closedAt: new Date(), outcome },
      });
      if (!closed.count) throw new AppError("conflict", "only the doctor who took an open consultation can close it");
      const consultation = await tx.consultation.findUniqueOrThrow({ where: { id: consultationId }, include: { patient: true } });
      const t = translator(matchLanguage(consultation.patient.language) ?? "ru", "console-patient");
      await recordAudit(tx, { actor: { type: "doctor", id: doctor.id }, action: "consultation.close", entityType: "consultation", entityId: consultationId, meta: { outcome, medicalCare, protocolId: signed?.id ?? null } });
      return this.outbox.write(tx, consultation.accountId, {
        text: t("closed", { number: consultation.number, outcome: t(`outcome.${outcome}`) }),
      });
    });
    await this.outbox.dispatch(outboxId);
    await this.publish("consultation.closed", consultationId);
  }

  /** An attachment of a consultation the doctor may see; the download is audited by the caller's action. */
  async authorizeFile(staff: StaffMember, consultationId: string, fileId: string): Promise<void> {
    const doctor = requireDoctor(staff);
    await this.visibleOrThrow(doctor, consultationId);
    const messages = await this.db.message.findMany({ where: { consultationId }, select: { attachments: true } });
    const attached = messages.some((m) => z.array(messageAttachmentSchema).catch([]).parse(m.attachments).some((a) => a.fileId === fileId));
    if (!attached) throw notFound("file");
    await recordAudit(this.db, {
      actor: { type: "doctor", id: doctor.id },
      action: "file.download",
      entityType: "file",
      entityId: fileId,
      meta: { consultationId },
    });
  }

  async publish(type: "consultation.opened" | "consultation.message" | "consultation.taken" | "consultation.closed" | "consultation.escalated", consultationId: string) {
    const row = await this.db.consultation.findUnique({
      where: { id: consultationId },
      select: { specialty: true, doctorId: true, patient: { select: { language: true } } },
    });
    if (!row) return;
    await this.events.publish({ type, consultationId, specialty: row.specialty, language: row.patient.language, doctorId: row.doctorId });
  }
}
