import { z } from "zod";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { AppError, notFound } from "../errors";
import { inPersonVisitInputSchema, visitImportSchema, type InPersonVisit } from "./protocol";

/**
 * The roles that may record or import in-person visits (`IN_PERSON_VISIT_RECORDERS`, comma-separated). A visit is what
 * lets a remote consultation diagnose and prescribe (core/protocols/guardrail.ts), so by default only an admin at the
 * front desk or the clinic's records system (MIS import, with an admin's credentials) enters them, never the doctor
 * who wants to diagnose.
 */
export const visitRecordersSchema = z
  .string()
  .transform((value) => value.split(",").map((role) => role.trim()).filter(Boolean))
  .pipe(z.array(z.enum(["admin", "operator", "doctor"])).min(1, "name at least one role: admin, operator or doctor"));
export type VisitRecorderRole = z.output<typeof visitRecordersSchema>[number];

export function assertVisitRecorder(role: string, recorders: readonly string[]): void {
  if (!recorders.includes(role)) {
    throw new AppError("forbidden", `in-person visits come from the clinic's records or are recorded by: ${recorders.join(", ")} (IN_PERSON_VISIT_RECORDERS)`);
  }
}

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

  async record(actor: Actor & { id: string }, patientId: string, input: z.input<typeof inPersonVisitInputSchema>): Promise<InPersonVisit> {
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
    const recordedById = "id" in actor ? actor.id : null;
    const rows = visits.filter((v) => knownIds.has(v.patientId)).map((v) => ({ ...v, source: "import", recordedById }));
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
