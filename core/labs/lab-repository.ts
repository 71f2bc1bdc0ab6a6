import { recordAudit, type AuditEntry } from "../audit/audit-log";
import type { Db } from "../db/prisma";

export type LabOrderStatus = "awaiting_lab" | "ordered" | "partial" | "completed";

export interface LabOrder {
  id: string;
  number: number;
  patientId: string;
  doctorId: string;
  tests: string[];
  labId: string | null;
  status: string;
  createdAt: Date;
}

export interface LabResult {
  code: string;
  display: string | null;
  valueNumber: number | null;
  valueText: string | null;
  unit: string | null;
  refLow: number | null;
  refHigh: number | null;
  refText: string | null;
  interpretation: string | null;
  abnormal: boolean;
  effectiveAt: Date | null;
}

/** One result row as stored: unique per lab, report and observation, so a repeated delivery stores nothing twice. */
export interface NewLabResult extends LabResult {
  orderId: string;
  labId: string;
  reportId: string;
  observationKey: string;
  issuedAt: Date | null;
}

const orderSelect = { id: true, number: true, patientId: true, doctorId: true, tests: true, labId: true, status: true, createdAt: true } as const;
const resultSelect = {
  code: true,
  display: true,
  valueNumber: true,
  valueText: true,
  unit: true,
  refLow: true,
  refHigh: true,
  refText: true,
  interpretation: true,
  abnormal: true,
  effectiveAt: true,
} as const;

/** Lab orders, results, the review list and the pull cursors in Postgres. */
export class LabRepository {
  constructor(private readonly db: Db) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  async patientExists(patientId: string): Promise<boolean> {
    return (await this.db.patient.count({ where: { id: patientId } })) > 0;
  }

  createOrder(data: { patientId: string; doctorId: string; tests: string[]; referralId?: string }): Promise<LabOrder> {
    return this.db.labOrder.create({ data, select: orderSelect });
  }

  async referralOrdered(referralId: string): Promise<boolean> {
    return (await this.db.labOrder.count({ where: { referralId } })) > 0;
  }

  async order(where: { id: string } | { number: number }): Promise<LabOrder | undefined> {
    return (await this.db.labOrder.findUnique({ where: where as { id: string }, select: orderSelect })) ?? undefined;
  }

  /** The patient's newest order at this lab still waiting for results that asked for one of `codes`. */
  async openOrderFor(patientId: string, labId: string, codes: string[]): Promise<LabOrder | undefined> {
    const row = await this.db.labOrder.findFirst({
      where: { patientId, labId, status: { in: ["ordered", "partial"] }, tests: { hasSome: codes } },
      orderBy: { createdAt: "desc" },
      select: orderSelect,
    });
    return row ?? undefined;
  }

  orderIdsOf(patientId: string): Promise<string[]> {
    return this.db.labOrder.findMany({ where: { patientId }, orderBy: { createdAt: "desc" }, select: { id: true } }).then((rows) => rows.map((r) => r.id));
  }

  /** The patient chose a lab: the order goes there unless it went somewhere already. */
  async placeOrder(orderId: string, labId: string, at: Date): Promise<boolean> {
    const { count } = await this.db.labOrder.updateMany({ where: { id: orderId, status: "awaiting_lab" }, data: { labId, status: "ordered", orderedAt: at } });
    return count > 0;
  }

  async setOrderStatus(orderId: string, status: LabOrderStatus, completedAt: Date | null): Promise<void> {
    await this.db.labOrder.update({ where: { id: orderId }, data: { status, completedAt } });
  }

  async storeResults(rows: NewLabResult[]): Promise<number> {
    return (await this.db.labResult.createMany({ data: rows, skipDuplicates: true })).count;
  }

  /** The order's results, by code. */
  resultsOf(orderId: string): Promise<LabResult[]> {
    return this.db.labResult.findMany({ where: { orderId }, orderBy: { code: "asc" }, select: resultSelect });
  }

  // ---- the review list ----

  async addReviewItem(labId: string, reason: string, payload: unknown): Promise<string> {
    return (await this.db.labReviewItem.create({ data: { labId, reason, payload: (payload ?? null) as object }, select: { id: true } })).id;
  }

  reviewItems(includeResolved: boolean) {
    return this.db.labReviewItem.findMany({ where: includeResolved ? {} : { resolvedAt: null }, orderBy: { receivedAt: "asc" }, take: 200 });
  }

  async reviewItem(reviewId: string) {
    return (await this.db.labReviewItem.findUnique({ where: { id: reviewId } })) ?? undefined;
  }

  async resolveReviewItem(reviewId: string, resolvedBy: string, orderId: string | null): Promise<void> {
    await this.db.labReviewItem.update({ where: { id: reviewId }, data: { resolvedAt: new Date(), resolvedBy, orderId } });
  }

  // ---- pulls from a lab's FHIR server ----

  async pulledUntil(labId: string): Promise<Date | undefined> {
    return (await this.db.labPullCursor.findUnique({ where: { labId } }))?.lastUpdated;
  }

  async notePulledUntil(labId: string, lastUpdated: Date): Promise<void> {
    await this.db.labPullCursor.upsert({ where: { labId }, create: { labId, lastUpdated }, update: { lastUpdated } });
  }
}
