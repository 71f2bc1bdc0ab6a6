import { z } from "zod";
import type { Actor } from "../audit/audit-log";
import type { AuditRepository } from "../audit/audit-repository";
import { AppError, notFound } from "../errors";
import type { InPersonVisitRepository } from "./in-person-visit-repository";
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

/** Face-to-face visits at the clinic: what makes a remote consultation a follow-up rather than primary. */
export class InPersonVisits {
  constructor(
    private readonly visits: InPersonVisitRepository,
    private readonly audit: AuditRepository,
  ) {}

  async record(actor: Actor & { id: string }, patientId: string, input: z.input<typeof inPersonVisitInputSchema>): Promise<InPersonVisit> {
    const data = inPersonVisitInputSchema.parse(input);
    if (!(await this.visits.knownPatients([patientId])).has(patientId)) throw notFound("patient");
    const visit = await this.visits.create({ ...data, patientId, source: "staff", recordedById: actor.id });
    await this.audit.record({ actor, action: "in_person_visit.record", entityType: "patient", entityId: patientId, meta: { visitId: visit.id } });
    return visit;
  }

  /** Visits from the clinic's records; one with an `externalId` already imported is left as it is. */
  async import(actor: Actor, input: z.input<typeof visitImportSchema>): Promise<{ imported: number; skipped: number }> {
    const { visits } = visitImportSchema.parse(input);
    const knownIds = await this.visits.knownPatients(visits.map((v) => v.patientId));
    const recordedById = "id" in actor ? actor.id : null;
    const rows = visits.filter((v) => knownIds.has(v.patientId)).map((v) => ({ ...v, source: "import" as const, recordedById }));
    const count = await this.visits.createMany(rows);
    await this.audit.record({ actor, action: "in_person_visit.import", entityType: "in_person_visit", entityId: "*", meta: { count } });
    return { imported: count, skipped: visits.length - count };
  }

  async listForPatient(patientId: string): Promise<InPersonVisit[]> {
    return this.visits.listForPatient(patientId);
  }

  async listAudited(actor: Actor, patientId: string): Promise<InPersonVisit[]> {
    const visits = await this.listForPatient(patientId);
    await this.audit.record({ actor, action: "in_person_visit.list", entityType: "patient", entityId: patientId });
    return visits;
  }
}
