import { z } from "zod";
import { documentKinds, type DocumentKind } from "./render-documents";

export const documentKindSchema = z.enum([...documentKinds, "consilium"]) satisfies z.ZodType<DocumentKind>;

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
  kind: documentKindSchema,
  fileId: z.string(),
  createdAt: z.date(),
}) satisfies z.ZodType<ClinicalDocument>;
