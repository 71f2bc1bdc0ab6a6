import { z } from "zod";
import type { DocumentKind } from "./render-documents";

/** A signed PDF made from a signed protocol; its bytes are a StoredFile. */
export interface ClinicalDocument {
  id: string;
  protocolId: string;
  patientId: string;
  kind: DocumentKind;
  fileId: string;
  createdAt: Date;
}

export const clinicalDocumentSchema = z.object({
  id: z.string(),
  protocolId: z.string(),
  patientId: z.string(),
  kind: z.enum(["report", "prescription", "referral"]),
  fileId: z.string(),
  createdAt: z.date(),
}) satisfies z.ZodType<ClinicalDocument>;
