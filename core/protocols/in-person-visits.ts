import { z } from "zod";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { notFound } from "../errors";
import { inPersonVisitInputSchema, visitImportSchema, type InPersonVisit } from "./protocol";

type VisitRow = {
  id: string;
  patientId: string;
  visitedAt: Date;
  icd10Code: string;
  problem: string;
  source: string;
  externalId: string | null;
  recordedById: string | null;
};

const toVisit = (row: VisitRow): InPersonVisit => ({ ...row, source: row.source === "import" ? "import" : "staff" });

/** Face-to-face visits at the clinic: what makes a remote consultation a follow-up rather than primary. */
export class InPersonVisits {
  constructor(private readonly db: Db) {}

  async record(actor: Actor & { type: "doctor" }, patientId: string, input: z.input<typeof inPersonVisitInputSchema>): Promise<InPersonVisit> {
    const data = inPersonVisitInputSchema.parse(input);
    if (!(await this.db.patient.findUnique({ where: { id: patientId }, select: { id: true } }))) throw notFound("patient");
    const row = await this.db.inPersonVisit.create({ data: { ...data, patientId, source: "staff", recordedById: actor.id } });
    await recordAudit(this.db, { actor, action: "in_person_visit.record", entityType: "patient", entityId: patientId, meta: { visitId: row.id } });
    return toVisit(row);
  }

  /** Visits from the clinic's records; one with an `externalId` already imported is left as it is. */
  async import(actor: Actor, input: z.input<typeof visitImportSchema>): Promise<{ imported: number; skipped: number }> {
    const { visits } = visitImportSchema.parse(input);
    const known = await this.db.patient.findMany({ where: { id: { in: visits.map((v) => v.patientId) } }, select: { id: true } });
    const knownIds = new Set(known.map((p) => p.id));
    const rows = visits.filter((v) => knownIds.has(v.patientId)).map((v) => ({ ...v, source: "import" }));
    const { count } = await this.db.inPersonVisit.createMany({ data: rows, skipDuplicates: true });
    await recordAudit(this.db, { actor, action: "in_person_visit.import", entityType: "in_person_visit", entityId: "*", meta: { count } });
    return { imported: count, skipped: visits.length - count };
  }

  async listForPatient(patientId: string): Promise<InPersonVisit[]> {
    const rows = await this.db.inPersonVisit.findMany({ where: { patientId }, orderBy: { visitedAt: "desc" } });
    return rows.map(toVisit);
  }

  async listAudited(actor: Actor, patientId: string): Promise<InPersonVisit[]> {
    const visits = await this.listForPatient(patientId);
    await recordAudit(this.db, { actor, action: "in_person_visit.list", entityType: "patient", entityId: patientId });
    return visits;
  }
}
