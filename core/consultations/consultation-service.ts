import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import { matchLanguage, translator } from "../i18n";
import type { Outbox } from "../outbox/outbox";

export const consultationStatusSchema = z.enum(["new", "in_progress", "waiting_for_patient", "closed"]);
export type ConsultationStatus = z.infer<typeof consultationStatusSchema>;

export interface ConsultationSummary {
  id: string;
  number: number;
  kind: string;
  status: ConsultationStatus;
  patientLanguage: string;
  doctorId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConsultationMessage {
  id: string;
  authorRole: "patient" | "doctor";
  doctorId: string | null;
  text: string;
  deliveryStatus: "pending" | "sent" | "failed" | null;
  createdAt: Date;
}

export interface ConsultationThread extends ConsultationSummary {
  patientId: string;
  identityLevel: string;
  takenAt: Date | null;
  answeredAt: Date | null;
  closedAt: Date | null;
  messages: ConsultationMessage[];
}

export const replySchema = z.object({ text: z.string().trim().min(1).max(4000) });

const summarySelect = {
  id: true,
  number: true,
  kind: true,
  status: true,
  doctorId: true,
  createdAt: true,
  updatedAt: true,
  patient: { select: { language: true } },
} as const;

type SummaryRow = {
  id: string;
  number: number;
  kind: string;
  status: ConsultationStatus;
  doctorId: string | null;
  createdAt: Date;
  updatedAt: Date;
  patient: { language: string };
};

const toSummary = ({ patient, ...row }: SummaryRow): ConsultationSummary => ({ ...row, patientLanguage: patient.language });

export class ConsultationService {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    /** Told after the commit, so the console shows the change live. */
    private readonly onPatientMessage?: (consultationId: string, opened: boolean) => Promise<void>,
  ) {}

  /** A patient's text joins their open consultation, or opens a new asynchronous one. */
  async acceptPatientMessage(
    patientId: string,
    accountId: string,
    text: string,
  ): Promise<{ consultationNumber: number; opened: boolean }> {
    const result = await this.db.$transaction(async (tx) => {
      const open = await tx.consultation.findFirst({
        where: { patientId, status: { not: "closed" } },
        orderBy: { createdAt: "desc" },
      });
      const consultation =
        open ??
        (await tx.consultation.create({ data: { patientId, accountId, kind: "async_chat", status: "new" } }));
      await tx.message.create({ data: { consultationId: consultation.id, authorRole: "patient", text } });
      if (open?.status === "waiting_for_patient") {
        await tx.consultation.update({ where: { id: open.id }, data: { status: "in_progress" } });
      } else if (open) {
        await tx.consultation.update({ where: { id: open.id }, data: { updatedAt: new Date() } });
      }
      await recordAudit(tx, {
        actor: { type: "patient", id: patientId },
        action: open ? "consultation.message" : "consultation.open",
        entityType: "consultation",
        entityId: consultation.id,
      });
      return { consultationId: consultation.id, consultationNumber: consultation.number, opened: !open };
    });
    await this.onPatientMessage?.(result.consultationId, result.opened);
    return { consultationNumber: result.consultationNumber, opened: result.opened };
  }

  /** Consultations not yet closed, urgent work first once triage exists; oldest waiting first for now. */
  async listOpen(doctor: Doctor): Promise<ConsultationSummary[]> {
    const rows = await this.db.consultation.findMany({
      where: { status: { not: "closed" }, OR: [{ doctorId: null }, { doctorId: doctor.id }] },
      orderBy: { createdAt: "asc" },
      take: 200,
      select: summarySelect,
    });
    await recordAudit(this.db, {
      actor: { type: "doctor", id: doctor.id },
      action: "consultation.list",
      entityType: "consultation",
      entityId: "*",
      meta: { ids: rows.map((row) => row.id) },
    });
    return rows.map(toSummary);
  }

  async read(doctor: Doctor, consultationId: string): Promise<ConsultationThread> {
    const row = await this.db.consultation.findUnique({
      where: { id: consultationId },
      select: {
        ...summarySelect,
        patientId: true,
        takenAt: true,
        answeredAt: true,
        closedAt: true,
        patient: { select: { language: true, identityLevel: true } },
        messages: {
          orderBy: { createdAt: "asc" },
          select: { id: true, authorRole: true, doctorId: true, text: true, deliveryStatus: true, createdAt: true },
        },
      },
    });
    if (!row) throw notFound("consultation");
    await recordAudit(this.db, {
      actor: { type: "doctor", id: doctor.id },
      action: "consultation.read",
      entityType: "consultation",
      entityId: row.id,
    });
    const { messages, takenAt, answeredAt, closedAt, patientId, ...summary } = row;
    return {
      ...toSummary(summary),
      patientId,
      identityLevel: row.patient.identityLevel,
      takenAt,
      answeredAt,
      closedAt,
      messages,
    };
  }

  /** The doctor's answer is stored and queued for the patient's messenger; the first doctor to answer takes the consultation. */
  async reply(doctor: Doctor, consultationId: string, text: string): Promise<ConsultationMessage> {
    const { message, outboxId } = await this.db.$transaction(async (tx) => {
      const consultation = await tx.consultation.findUnique({
        where: { id: consultationId },
        include: { patient: { select: { language: true } } },
      });
      if (!consultation) throw notFound("consultation");
      if (consultation.status === "closed") throw new AppError("conflict", "consultation is closed");
      const now = new Date();
      // Conditional update: of two doctors answering at once, only one takes an unassigned consultation.
      const taken = await tx.consultation.updateMany({
        where: { id: consultationId, OR: [{ doctorId: null }, { doctorId: doctor.id }] },
        data: {
          doctorId: doctor.id,
          status: "waiting_for_patient",
          takenAt: consultation.takenAt ?? now,
          answeredAt: now,
        },
      });
      if (taken.count === 0) throw new AppError("conflict", "consultation is assigned to another doctor");
      const message = await tx.message.create({
        data: { consultationId, authorRole: "doctor", doctorId: doctor.id, text, deliveryStatus: "pending" },
        select: { id: true, authorRole: true, doctorId: true, text: true, deliveryStatus: true, createdAt: true },
      });
      const t = translator(matchLanguage(consultation.patient.language) ?? "ru");
      const outboxId = await this.outbox.write(
        tx,
        consultation.accountId,
        { text: t("doctor_reply", { doctorName: doctor.name, text }), medical: true },
        message.id,
      );
      await recordAudit(tx, {
        actor: { type: "doctor", id: doctor.id },
        action: "consultation.reply",
        entityType: "consultation",
        entityId: consultationId,
        meta: { messageId: message.id },
      });
      return { message, outboxId };
    });
    await this.outbox.dispatch(outboxId);
    return message;
  }
}
