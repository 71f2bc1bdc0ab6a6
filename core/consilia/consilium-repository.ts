import { recordAudit, type AuditEntry } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import type { ConsiliumRecord, ConsiliumStatus } from "./consilium";

const recordSelect = {
  id: true,
  consultationId: true,
  patientId: true,
  organizerId: true,
  question: true,
  patientJoins: true,
  scheduledAt: true,
  status: true,
  visitId: true,
  protocolId: true,
  pdfFileId: true,
  consultation: { select: { number: true } },
  participants: { orderBy: { position: "asc" }, select: { doctorId: true, signedAt: true, doctor: { select: { name: true, specialties: true, languages: true } } } },
} as const;

type Row = { consultation: { number: number }; participants: Array<{ doctorId: string; signedAt: Date | null; doctor: { name: string; specialties: string[]; languages: string[] } }> } & Omit<
  ConsiliumRecord,
  "consultationNumber" | "participants"
>;

const toRecord = ({ consultation, participants, ...row }: Row): ConsiliumRecord => ({
  ...row,
  consultationNumber: consultation.number,
  participants: participants.map((p) => ({ doctorId: p.doctorId, signedAt: p.signedAt, ...p.doctor })),
});

/** Consilia, their doctors and the PDF as signed so far, in Postgres. */
export class ConsiliumRepository {
  constructor(private readonly db: Db) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  /** The case a consilium is called on: its patient, account, specialty and the patient's language. */
  async caseOf(consultationId: string) {
    const row = await this.db.consultation.findUnique({
      where: { id: consultationId },
      select: { number: true, patientId: true, accountId: true, specialty: true, doctorId: true, patient: { select: { language: true, timezone: true } } },
    });
    return row ? { number: row.number, patientId: row.patientId, accountId: row.accountId, specialty: row.specialty, doctorId: row.doctorId, ...row.patient } : undefined;
  }

  /** What the patient wrote in the case, for the doctors of the consilium. */
  async complaints(consultationId: string): Promise<string[]> {
    const rows = await this.db.message.findMany({ where: { consultationId, authorRole: "patient" }, orderBy: { createdAt: "asc" }, select: { text: true } });
    return rows.map((row) => row.text);
  }

  /** Doctors who may be invited (of a specialty, when given), by name. */
  async colleagues(exceptId: string, specialty: string | undefined): Promise<Array<{ id: string; name: string; specialties: string[] }>> {
    return this.db.doctor.findMany({
      where: { id: { not: exceptId }, ...(specialty ? { specialties: { has: specialty } } : {}) },
      orderBy: { name: "asc" },
      take: 200,
      select: { id: true, name: true, specialties: true },
    });
  }

  /** The ids among `doctorIds` that name doctors. */
  async existingDoctors(doctorIds: string[]): Promise<string[]> {
    return (await this.db.doctor.findMany({ where: { id: { in: doctorIds } }, select: { id: true } })).map((d) => d.id);
  }

  async create(data: { consultationId: string; patientId: string; organizerId: string; question: string; patientJoins: boolean; scheduledAt: Date; doctorIds: string[] }, audit: Omit<AuditEntry, "entityId">): Promise<string> {
    const { doctorIds, ...consilium } = data;
    return this.db.$transaction(async (tx) => {
      const row = await tx.consilium.create({
        data: { ...consilium, participants: { create: doctorIds.map((doctorId, position) => ({ doctorId, position })) } },
        select: { id: true },
      });
      await recordAudit(tx, { ...audit, entityId: row.id });
      return row.id;
    });
  }

  async byId(id: string): Promise<ConsiliumRecord | undefined> {
    const row = await this.db.consilium.findUnique({ where: { id }, select: recordSelect });
    return row ? toRecord(row) : undefined;
  }

  /** The consilia a doctor called or sits in, newest first. */
  async ofDoctor(doctorId: string): Promise<ConsiliumRecord[]> {
    const rows = await this.db.consilium.findMany({
      where: { OR: [{ organizerId: doctorId }, { participants: { some: { doctorId } } }] },
      orderBy: { scheduledAt: "desc" },
      take: 100,
      select: recordSelect,
    });
    return rows.map(toRecord);
  }

  async ofConsultation(consultationId: string): Promise<ConsiliumRecord[]> {
    return (await this.db.consilium.findMany({ where: { consultationId }, orderBy: { createdAt: "asc" }, select: recordSelect })).map(toRecord);
  }

  /** Moves the status on, only from `from`: false when another request moved it first. */
  async transition(id: string, from: ConsiliumStatus, data: { status: ConsiliumStatus; visitId?: string }): Promise<boolean> {
    return (await this.db.consilium.updateMany({ where: { id, status: from }, data })).count === 1;
  }

  /**
   * Writes the conclusion while the consilium is still open. The consilium's row is locked for it, so the first
   * signature (which moves the status on) waits for this write and renders what it wrote: never a PDF of one text
   * with another stored.
   */
  async writeConclusion(id: string, protocolId: string, change: { content: object; primary: boolean }): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<Array<{ status: ConsiliumStatus }>>`SELECT status FROM "Consilium" WHERE id = ${id}::uuid FOR UPDATE`;
      if (row?.status !== "open") return false;
      return (await tx.protocol.updateMany({ where: { id: protocolId, status: "draft" }, data: change })).count === 1;
    });
  }

  /** Links the conclusion's protocol; false when one is linked already. */
  async linkProtocol(id: string, protocolId: string): Promise<boolean> {
    return (await this.db.consilium.updateMany({ where: { id, protocolId: null }, data: { protocolId } })).count === 1;
  }

  /**
   * One more signature: the PDF moves from `fromFileId` to `toFileId` and the doctor is marked signed, only if no
   * other signature landed meanwhile (compare-and-set on the file, so signatures never fork the document).
   */
  async addSignature(id: string, fromFileId: string | null, toFileId: string, doctorId: string, at: Date): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const moved = await tx.consilium.updateMany({ where: { id, pdfFileId: fromFileId }, data: { pdfFileId: toFileId } });
      if (moved.count !== 1) return false;
      const marked = await tx.consiliumParticipant.updateMany({ where: { consiliumId: id, doctorId, signedAt: null }, data: { signedAt: at } });
      if (marked.count !== 1) throw new Error("the doctor signed already");
      await recordAudit(tx, { actor: { type: "doctor", id: doctorId }, action: "consilium.sign", entityType: "consilium", entityId: id });
      return true;
    });
  }

  /** The PDF every doctor of the protocol's consilium signed (for the documents job), once all have. */
  async signedPdfOf(protocolId: string): Promise<string | undefined> {
    const row = await this.db.consilium.findUnique({ where: { protocolId }, select: { pdfFileId: true, status: true } });
    return row?.status === "signed" && row.pdfFileId ? row.pdfFileId : undefined;
  }
}
