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
