import { z } from "zod";

/**
 * A file attached to a consultation message (`Message.attachments` holds an array of these):
 * the bytes are a StoredFile (encrypted at rest), served to staff only through the api.
 */
export const messageAttachmentSchema = z.object({
  fileId: z.uuid(),
  /** `dicom`: a scan for a second opinion, stored as sent and viewed in the clinic's DICOM viewer. */
  kind: z.enum(["photo", "document", "dicom"]),
  mimeType: z.string().min(1),
  fileName: z.string().min(1),
  size: z.number().int().nonnegative(),
});
export type MessageAttachment = z.infer<typeof messageAttachmentSchema>;
