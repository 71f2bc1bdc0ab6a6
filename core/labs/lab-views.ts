import { z } from "zod";
import { loincCodeSchema as loincCode } from "./lab-tests";
import type { LabOrder } from "./lab-repository";

// What the lab service takes (orders, review targets) and gives (orders with their results, a delivery's outcome).

export const newLabOrderSchema = z.object({
  tests: z.array(loincCode).min(1).max(50),
  /** The protocol referral this order carries out: `<consultationId>:<sorted LOINC codes>`. */
  referralId: z.string().max(1000).optional(),
});

/** Where a review item goes: an order by id or by its number; neither dismisses it. */
export const reviewTargetSchema = z.object({ orderId: z.uuid().optional(), orderNumber: z.number().int().positive().optional() });

/** A stored order as shown: with its lab's name and its results. */
export interface LabOrderView extends LabOrder {
  labName: string | null;
  results: LabResultView[];
}

export interface LabResultView {
  code: string;
  display: string | null;
  value: string | null;
  valueNumber: number | null;
  unit: string | null;
  referenceRange: string | null;
  interpretation: string | null;
  abnormal: boolean;
  effectiveAt: Date | null;
}

export type IngestOutcome = { status: "stored"; orderIds: string[]; results: number } | { status: "review"; reviewId: string; reason: string };

export const labResultViewSchema = z.object({
  code: z.string(),
  display: z.string().nullable(),
  value: z.string().nullable(),
  valueNumber: z.number().nullable(),
  unit: z.string().nullable(),
  referenceRange: z.string().nullable(),
  interpretation: z.string().nullable(),
  abnormal: z.boolean(),
  effectiveAt: z.date().nullable(),
}) satisfies z.ZodType<LabResultView>;

export const labOrderViewSchema = z.object({
  id: z.string(),
  number: z.number(),
  patientId: z.string(),
  doctorId: z.string(),
  tests: z.array(z.string()),
  labId: z.string().nullable(),
  status: z.string(),
  createdAt: z.date(),
  labName: z.string().nullable(),
  results: z.array(labResultViewSchema),
}) satisfies z.ZodType<LabOrderView>;

export const ingestOutcomeSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("stored"), orderIds: z.array(z.string()), results: z.number() }),
  z.object({ status: z.literal("review"), reviewId: z.string(), reason: z.string() }),
]) satisfies z.ZodType<IngestOutcome>;

/** A delivery in the review list (the repository's row: who resolved it stays inside). `payload` is null for non-doctors. */
export const labReviewItemSchema = z.object({
  id: z.string(),
  labId: z.string(),
  reason: z.string(),
  payload: z.unknown(),
  receivedAt: z.date(),
  resolvedAt: z.date().nullable(),
});
