import { isUniqueViolation, type Db, type Tx } from "../db/prisma";
import type { Protocol, ProtocolKind } from "./protocol";

/** A protocol as stored: the content not yet parsed, the consultation's number not joined, the documents job's notes. */
export type ProtocolRow = Omit<Protocol, "content" | "consultationNumber"> & { content: unknown; notifiedAt: Date | null; documentsError: string | null };

export type NewProtocolVersion = Pick<ProtocolRow, "consultationId" | "patientId" | "doctorId" | "version" | "primary"> & {
  previousId?: string;
  content: object;
  kind?: ProtocolKind;
};

/** The consultation's own protocol versions; a consilium's conclusion on the same case is versioned apart (core/consilia). */
const own = { kind: "consultation" } as const;

export class ProtocolRepository {
  constructor(private readonly db: Db | Tx) {}

  async byId(protocolId: string): Promise<ProtocolRow | undefined> {
    return (await this.db.protocol.findUnique({ where: { id: protocolId } })) ?? undefined;
  }

  /** The consultation's newest version. */
  async latest(consultationId: string): Promise<ProtocolRow | undefined> {
    return (await this.db.protocol.findFirst({ where: { consultationId, ...own }, orderBy: { version: "desc" } })) ?? undefined;
  }

  async listForConsultation(consultationId: string): Promise<ProtocolRow[]> {
    return this.db.protocol.findMany({ where: { consultationId, ...own }, orderBy: { version: "asc" } });
  }

  /** A version newer than `version`, if one exists. */
  async newerThan(consultationId: string, version: number): Promise<number | undefined> {
    const row = await this.db.protocol.findFirst({ where: { consultationId, ...own, version: { gt: version } }, select: { version: true } });
    return row?.version;
  }

  /** Undefined when this version of the consultation's protocol exists already (a concurrent create). */
  async create(data: NewProtocolVersion): Promise<ProtocolRow | undefined> {
    try {
      return await this.db.protocol.create({ data });
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /** Changes a draft; false when it is signed meanwhile. */
  async updateDraft(protocolId: string, change: { content?: object; primary: boolean; status?: "signed"; signedAt?: Date }): Promise<boolean> {
    const { count } = await this.db.protocol.updateMany({ where: { id: protocolId, status: "draft" }, data: change });
    return count > 0;
  }

  /** The newest signed version of the consultation's protocol. */
  async latestSignedId(consultationId: string): Promise<string | undefined> {
    const row = await this.db.protocol.findFirst({ where: { consultationId, ...own, status: "signed" }, orderBy: { version: "desc" }, select: { id: true } });
    return row?.id;
  }

  /** What a first draft starts from: the consultation's number, its patient and what they wrote. */
  async consultationForDraft(consultationId: string): Promise<{ number: number; patientId: string; complaints: string[] } | undefined> {
    const row = await this.db.consultation.findUnique({
      where: { id: consultationId },
      select: { number: true, patientId: true, messages: { where: { authorRole: "patient" }, orderBy: { createdAt: "asc" }, select: { text: true } } },
    });
    return row ? { number: row.number, patientId: row.patientId, complaints: row.messages.map((m) => m.text) } : undefined;
  }

  async consultationNumber(consultationId: string): Promise<number> {
    return (await this.db.consultation.findUniqueOrThrow({ where: { id: consultationId }, select: { number: true } })).number;
  }
}
