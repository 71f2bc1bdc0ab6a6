import { z } from "zod";

/**
 * The envelope of a VK Callback API (and Bots Long Poll) event: the webhook route checks its secret and stores it,
 * the VK adapter (bots/vk) reads what is inside.
 */
export const vkEnvelopeSchema = z.object({
  type: z.string().min(1),
  group_id: z.number().int(),
  event_id: z.string().min(1).max(100).optional(),
  secret: z.string().optional(),
  object: z.unknown().optional(),
});
export type VkEnvelope = z.infer<typeof vkEnvelopeSchema>;
