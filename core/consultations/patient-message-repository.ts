import { z } from "zod";
import { messageAttachmentSchema, type MessageAttachment } from "../channels/attachment";
import type { Db, Tx } from "../db/prisma";
import type { ConsultationStatus } from "./consultation-status";

export interface OpenConsultation {
  id: string;
  number: number;
  status: ConsultationStatus;
  kind: "async_chat" | "second_opinion";
}

/** A consultation a patient's first message opens. */
export interface NewConsultation {
  patientId: string;
  accountId: string;
  kind: "async_chat" | "second_opinion";
  specialty?: string;
  urgent?: boolean;
}

const attachmentsSchema = z.array(messageAttachmentSchema).catch([]);

/** The one writer of a patient's message: texts, files and the intake's complaint all land in a consultation here. */
export class PatientMessageRepository {
  constructor(
    private readonly root: Db,
    private readonly db: Db | Tx = root,
  ) {}

  /** Runs `work` in one transaction with the repository bound to it; `tx` is for the audit log. */
  transaction<T>(work: (repo: PatientMessageRepository, tx: Tx) => Promise<T>): Promise<T> {
    return this.root.$transaction((tx) => work(new PatientMessageRepository(this.root, tx), tx));
  }

  /** The patient's open consultation (the newest, should there be several). */
  async openConsultation(patientId: string): Promise<OpenConsultation | undefined> {
    const row = await this.db.consultation.findFirst({
      where: { patientId, status: { not: "closed" } },
      orderBy: { createdAt: "desc" },
      select: { id: true, number: true, status: true, kind: true },
    });
    return row ?? undefined;
  }

  /**
   * The message joins `to`, or opens a new consultation with it. A patient answering the doctor's question makes it the
   * doctor's turn again; any message moves the consultation up the "last activity" order.
   */
  async write(to: OpenConsultation | NewConsultation, message: { text: string; attachments?: MessageAttachment[] }): Promise<OpenConsultation & { opened: boolean }> {
    const opened = !("id" in to);
    const consultation = opened
      ? await this.db.consultation.create({ data: { ...to, status: "new" }, select: { id: true, number: true, status: true, kind: true } })
      : to;
    await this.db.message.create({ data: { consultationId: consultation.id, authorRole: "patient", ...message } });
    if (!opened) {
      const status = consultation.status === "waiting_for_patient" ? "in_progress" : undefined;
      await this.db.consultation.update({ where: { id: consultation.id }, data: { updatedAt: new Date(), status } });
    }
    return { ...consultation, opened };
  }

  /** Holds the consultation's row until the transaction ends, so two uploads at once are counted one after the other. */
  async lock(consultationId: string): Promise<void> {
    await this.db.$queryRaw`SELECT id FROM "Consultation" WHERE id = ${consultationId}::uuid FOR UPDATE`;
  }

  /** Files the patient attached to the consultation so far. */
  async attachedFiles(consultationId: string): Promise<number> {
    const messages = await this.db.message.findMany({ where: { consultationId, authorRole: "patient" }, select: { attachments: true } });
    return messages.reduce((sum, m) => sum + attachmentsSchema.parse(m.attachments).length, 0);
  }
}
