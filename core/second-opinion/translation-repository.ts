import { isUniqueViolation, type Db } from "../db/prisma";

export interface TranslationRequest {
  id: string;
  consultationId: string;
  patientId: string;
  fileId: string;
  status: "requested" | "translated";
  interpreterId: string | null;
  translationFileId: string | null;
  requestedAt: Date;
  translatedAt: Date | null;
}

/** Translation requests of second-opinion documents and the facts their checks need. */
export class TranslationRepository {
  constructor(private readonly db: Db) {}

  /**
   * The patient's open second-opinion consultation that holds `fileId` among the patient's own attachments:
   * only a document the patient sent there can be given to an interpreter.
   */
  async consultationHolding(patientId: string, fileId: string): Promise<{ id: string; number: number } | undefined> {
    const row = await this.db.consultation.findFirst({
      where: {
        patientId,
        kind: "second_opinion",
        status: { not: "closed" },
        messages: { some: { authorRole: "patient", attachments: { array_contains: [{ fileId }] } } },
      },
      select: { id: true, number: true },
    });
    return row ?? undefined;
  }

  /** A new request, or the one already made for this document (pressing the button twice asks once). */
  async create(data: { consultationId: string; patientId: string; fileId: string }): Promise<{ request: TranslationRequest; created: boolean }> {
    try {
      // In a transaction of its own: a savepoint inside the dialogue step (see isUniqueViolation).
      return { request: await this.db.$transaction((tx) => tx.translationRequest.create({ data })), created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.db.translationRequest.findUniqueOrThrow({ where: { consultationId_fileId: { consultationId: data.consultationId, fileId: data.fileId } } });
      return { request: existing, created: false };
    }
  }

  byId(id: string): Promise<TranslationRequest | null> {
    return this.db.translationRequest.findUnique({ where: { id } });
  }

  /**
   * What an interpreter may see: requests still waiting, and those this interpreter translated; never a document of
   * an erased patient, whose kept record is restricted (core/rights/patient-erasure.ts).
   */
  async forInterpreter(interpreterId: string): Promise<TranslationRequest[]> {
    const requests = await this.db.translationRequest.findMany({
      where: { OR: [{ status: "requested" }, { interpreterId }] },
      orderBy: { requestedAt: "asc" },
      take: 200,
    });
    const erased = await this.erased(requests.map((r) => r.patientId));
    return requests.filter((r) => !erased.has(r.patientId));
  }

  /** The patients among `patientIds` whose record is restricted after erasure. */
  async erased(patientIds: string[]): Promise<Set<string>> {
    const rows = await this.db.patient.findMany({ where: { id: { in: [...new Set(patientIds)] }, erasedAt: { not: null } }, select: { id: true } });
    return new Set(rows.map((row) => row.id));
  }

  forConsultation(consultationId: string): Promise<TranslationRequest[]> {
    return this.db.translationRequest.findMany({ where: { consultationId }, orderBy: { requestedAt: "asc" } });
  }

  /** Conditional on `requested`: of two interpreters answering at once, the first keeps it. */
  async complete(id: string, interpreterId: string, translationFileId: string, at: Date): Promise<boolean> {
    const updated = await this.db.translationRequest.updateMany({
      where: { id, status: "requested" },
      data: { status: "translated", interpreterId, translationFileId, translatedAt: at },
    });
    return updated.count === 1;
  }
}
