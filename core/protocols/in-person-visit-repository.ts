import type { Db } from "../db/prisma";
import type { InPersonVisit } from "./protocol";

type VisitRow = Omit<InPersonVisit, "source"> & { source: string };

const sources = new Set<string>(["import", "booking"]);
const toVisit = (row: VisitRow): InPersonVisit => ({ ...row, source: sources.has(row.source) ? (row.source as InPersonVisit["source"]) : "staff" });

export type NewVisit = Omit<InPersonVisit, "id" | "externalId"> & { externalId?: string | null };

export class InPersonVisitRepository {
  constructor(private readonly db: Db) {}

  async create(visit: NewVisit): Promise<InPersonVisit> {
    return toVisit(await this.db.inPersonVisit.create({ data: visit }));
  }

  /** Visits already imported (same `externalId`) are skipped; the number created. */
  async createMany(visits: NewVisit[]): Promise<number> {
    return (await this.db.inPersonVisit.createMany({ data: visits, skipDuplicates: true })).count;
  }

  async listForPatient(patientId: string): Promise<InPersonVisit[]> {
    const rows = await this.db.inPersonVisit.findMany({ where: { patientId }, orderBy: { visitedAt: "desc" } });
    return rows.map(toVisit);
  }

  /** Of these ids, the patients that exist. */
  async knownPatients(patientIds: string[]): Promise<Set<string>> {
    const rows = await this.db.patient.findMany({ where: { id: { in: patientIds } }, select: { id: true } });
    return new Set(rows.map((p) => p.id));
  }
}
