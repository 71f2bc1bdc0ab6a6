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
