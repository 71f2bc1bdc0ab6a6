import { z } from "zod";

/** A widget message as stored in the inbound table: the visitor (already verified by their token) and what they sent. */
export const webMessageSchema = z.union([
  z.object({ visitorId: z.string().regex(/^[0-9a-f-]{36}$/), id: z.uuid(), language: z.string().max(16).optional(), text: z.string().min(1).max(4000) }),
  z.object({ visitorId: z.string().regex(/^[0-9a-f-]{36}$/), id: z.uuid(), language: z.string().max(16).optional(), button: z.string().min(1).max(64) }),
  // An upload: its bytes wait in the encrypted file store (core/files), only their id is in the inbound row.
  z.object({
    visitorId: z.string().regex(/^[0-9a-f-]{36}$/),
    id: z.uuid(),
    language: z.string().max(16).optional(),
    upload: z.object({ fileId: z.uuid(), name: z.string().max(200).optional(), size: z.number().int().min(0) }),
  }),
]);
export type WebMessage = z.infer<typeof webMessageSchema>;
