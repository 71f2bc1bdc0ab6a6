import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { messageAttachmentSchema, type MessageAttachment } from "../channels/attachment";
import type { Db, Tx } from "../db/prisma";
import { Prisma } from "../db/generated/client";
import type { Doctor } from "../doctors/doctors";
import type { ConsultationStatus } from "./consultation-status";
import type { QueueFilter } from "./desk-inputs";

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

export interface ThreadHead extends QueueItem {
  /** A second opinion shows the patient's documents and their translations (core/second-opinion). */
  kind: "async_chat" | "second_opinion";
  patientId: string;
  identityLevel: string;
  outcome: string | null;
}

export type PreviousConsultation = { id: string; number: number; status: ConsultationStatus; specialty: string; createdAt: Date; outcome: string | null };

/** What a message to the patient needs: where it goes, in which language, under which number. */
export interface Addressee {
  patientId: string;
  accountId: string;
  number: number;
  status: ConsultationStatus;
  takenAt: Date | null;
  patientLanguage: string;
}

const attachmentsSchema = z.array(messageAttachmentSchema).catch([]);

const headSelect = {
  id: true,
  number: true,
  kind: true,
  status: true,
  specialty: true,
  urgent: true,
  doctorId: true,
  createdAt: true,
  updatedAt: true,
  escalatedAt: true,
  patientId: true,
  outcome: true,
  doctor: { select: { name: true } },
  patient: { select: { language: true, identityLevel: true } },
} as const;

const messageSelect = { id: true, authorRole: true, doctorId: true, text: true, attachments: true, deliveryStatus: true, createdAt: true } as const;

/**
 * Unassigned consultations a doctor may take: their specialties, in their languages — or urgent ones in any language,
 * since a red flag never waits for a doctor who speaks the patient's language (issue 22).
 */
const openTo = (doctor: Doctor) => ({
  doctorId: null,
  specialty: { in: doctor.specialties },
  OR: [{ patient: { language: { in: doctor.languages } } }, { urgent: true }],
});

/** A doctor sees consultations assigned to them, or unassigned ones open to them. */
const visibleTo = (doctor: Doctor) => ({
  // An erased patient's kept record is restricted (core/rights/patient-erasure.ts): out of every queue and thread.
  patient: { erasedAt: null },
  OR: [{ doctorId: doctor.id }, openTo(doctor)],
});

const open = { status: { not: "closed" as const } };

/** Consultations as the console and the escalation job read and change them. */
export class ConsultationRepository {
  constructor(
    private readonly root: Db,
    private readonly db: Db | Tx = root,
  ) {}

  /** Runs `work` in one transaction with the repository bound to it; `tx` is for the outbox and the audit log. */
  transaction<T>(work: (repo: ConsultationRepository, tx: Tx) => Promise<T>): Promise<T> {
    return this.root.$transaction((tx) => work(new ConsultationRepository(this.root, tx), tx));
  }

  /** The queue for everyone (`doctor` undefined) or for one doctor; red flags first, then whoever has waited longest. */
  async queue(filter: QueueFilter, doctor: Doctor | undefined, now: Date): Promise<QueueItem[]> {
    // One SQL statement: the queue is the console's hottest read, and the ORM's relation filters cost ~5× here.
    const conditions: Prisma.Sql[] = [filter.view ? Prisma.sql`c.status = ${filter.view}::"ConsultationStatus"` : Prisma.sql`c.status <> 'closed'`];
    if (doctor) {
      conditions.push(
        Prisma.sql`(c."doctorId" = ${doctor.id}::uuid OR (c."doctorId" IS NULL AND c.specialty = ANY(${doctor.specialties}::text[]) AND (p.language = ANY(${doctor.languages}::text[]) OR c.urgent)))`,
      );
    }
    if (filter.specialty) conditions.push(Prisma.sql`c.specialty = ${filter.specialty}`);
    if (filter.language) conditions.push(Prisma.sql`p.language = ${filter.language}`);
    if (filter.urgent !== undefined) conditions.push(Prisma.sql`c.urgent = ${filter.urgent}`);
    if (filter.minAgeMinutes) conditions.push(Prisma.sql`c."createdAt" <= ${new Date(now.getTime() - filter.minAgeMinutes * 60_000)}`);
    // Closed ones newest first.
    const order = filter.view === "closed" ? Prisma.sql`c."closedAt" DESC` : Prisma.sql`c.urgent DESC, c."createdAt" ASC`;
    return this.db.$queryRaw<QueueItem[]>`
      SELECT c.id, c.number, c.status::text AS status, c.specialty, p.language AS "patientLanguage", c.urgent,
             c."doctorId", d.name AS "doctorName", c."createdAt", c."updatedAt", c."escalatedAt"
      FROM "Consultation" c
      JOIN "Patient" p ON p.id = c."patientId"
      LEFT JOIN "Doctor" d ON d.id = c."doctorId"
      WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY ${order}
      LIMIT 100`;
  }

  /** "visible" to the doctor, "hidden" from them, or "missing" altogether. */
  async visibility(doctor: Doctor, consultationId: string): Promise<"visible" | "hidden" | "missing"> {
    if (await this.db.consultation.findFirst({ where: { id: consultationId, ...visibleTo(doctor) }, select: { id: true } })) return "visible";
    return (await this.db.consultation.count({ where: { id: consultationId } })) ? "hidden" : "missing";
  }

  async head(consultationId: string): Promise<ThreadHead> {
    const { doctor, patient, ...row } = await this.db.consultation.findUniqueOrThrow({ where: { id: consultationId }, select: headSelect });
    return { ...row, doctorName: doctor?.name ?? null, patientLanguage: patient.language, identityLevel: patient.identityLevel };
  }

  async messages(consultationId: string): Promise<ThreadMessage[]> {
    const rows = await this.db.message.findMany({ where: { consultationId }, orderBy: { createdAt: "asc" }, select: messageSelect });
    return rows.map((m) => ({ ...m, attachments: attachmentsSchema.parse(m.attachments) }));
  }

  /** The patient's other consultations, newest first. */
  async previous(patientId: string, exceptId: string): Promise<PreviousConsultation[]> {
    return this.db.consultation.findMany({
      where: { patientId, id: { not: exceptId } },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, number: true, status: true, specialty: true, createdAt: true, outcome: true },
    });
  }

  /** One conditional update: of two doctors pressing "take" at once, exactly one matches the unassigned row. */
  async takeIfOpenTo(doctor: Doctor, consultationId: string): Promise<boolean> {
    const taken = await this.db.consultation.updateMany({
      where: { id: consultationId, ...open, ...openTo(doctor) },
      data: { doctorId: doctor.id, status: "in_progress", takenAt: new Date() },
    });
    return taken.count > 0;
  }

  /** Gives an open consultation to a doctor; `unassignedOnly` leaves one someone already holds as it is. */
  async assign(consultationId: string, doctorId: string, unassignedOnly: boolean): Promise<boolean> {
    const assigned = await this.db.consultation.updateMany({
      where: { id: consultationId, ...open, ...(unassignedOnly && { doctorId: null }) },
      data: { doctorId, status: "in_progress", takenAt: new Date() },
    });
    return assigned.count > 0;
  }

  /** The doctor holding the consultation: null when unassigned, undefined when there is no such consultation. */
  async holder(consultationId: string): Promise<string | null | undefined> {
    const row = await this.db.consultation.findUnique({ where: { id: consultationId }, select: { doctorId: true } });
    return row?.doctorId;
  }

  async identityLevel(consultationId: string): Promise<string> {
    const { patient } = await this.db.consultation.findUniqueOrThrow({ where: { id: consultationId }, select: { patient: { select: { identityLevel: true } } } });
    return patient.identityLevel;
  }

  async addressee(consultationId: string): Promise<Addressee> {
    const row = await this.db.consultation.findUniqueOrThrow({
      where: { id: consultationId },
      select: { patientId: true, accountId: true, number: true, status: true, takenAt: true, patient: { select: { language: true } } },
    });
    const { patient, ...rest } = row;
    return { ...rest, patientLanguage: patient.language };
  }

  /** The doctor answered: theirs now (unless another doctor holds it), waiting for the patient. */
  async markAnswered(doctorId: string, consultationId: string, takenAt: Date | null): Promise<boolean> {
    const now = new Date();
    const taken = await this.db.consultation.updateMany({
      where: { id: consultationId, OR: [{ doctorId: null }, { doctorId }] },
      data: { doctorId, status: "waiting_for_patient", takenAt: takenAt ?? now, answeredAt: now },
    });
    return taken.count > 0;
  }

  async addDoctorMessage(consultationId: string, doctorId: string, text: string, attachments: MessageAttachment[]): Promise<ThreadMessage> {
    const message = await this.db.message.create({
      data: { consultationId, authorRole: "doctor", doctorId, text, attachments, deliveryStatus: "pending" },
      select: messageSelect,
    });
    return { ...message, attachments };
  }

  /** Only the doctor holding an open consultation closes it. */
  async close(doctorId: string, consultationId: string, outcome: string): Promise<boolean> {
    const closed = await this.db.consultation.updateMany({
      where: { id: consultationId, doctorId, ...open },
      data: { status: "closed", closedAt: new Date(), outcome },
    });
    return closed.count > 0;
  }

  /** What the console's live events name, so each screen refreshes only when the change is its business. */
  async routing(consultationId: string): Promise<{ specialty: string; doctorId: string | null; language: string; urgent: boolean } | undefined> {
    const row = await this.db.consultation.findUnique({
      where: { id: consultationId },
      select: { specialty: true, doctorId: true, urgent: true, patient: { select: { language: true } } },
    });
    return row ? { specialty: row.specialty, doctorId: row.doctorId, language: row.patient.language, urgent: row.urgent } : undefined;
  }

  /** New, unassigned, never escalated consultations created before `before` (or, when urgent, before `urgentBefore`). */
  async escalationCandidates(before: Date, urgentBefore?: Date) {
    return this.db.consultation.findMany({
      where: {
        status: "new",
        doctorId: null,
        escalatedAt: null,
        OR: [{ createdAt: { lte: before } }, ...(urgentBefore ? [{ urgent: true, createdAt: { lte: urgentBefore } }] : [])],
      },
      select: { id: true, specialty: true, createdAt: true, urgent: true },
      orderBy: [{ urgent: "desc" }, { createdAt: "asc" }],
      take: 500,
    });
  }

  /** Marks the consultation escalated once, audited in the same transaction: false when it already was. */
  async markEscalated(consultationId: string, at: Date, meta: { waitedMinutes: number; urgent: boolean }): Promise<boolean> {
    return this.root.$transaction(async (tx) => {
      const marked = await tx.consultation.updateMany({ where: { id: consultationId, escalatedAt: null }, data: { escalatedAt: at } });
      if (marked.count === 0) return false;
      await recordAudit(tx, { actor: { type: "system" }, action: "consultation.escalate", entityType: "consultation", entityId: consultationId, meta });
      return true;
    });
  }
}
