import { z } from "zod";
import type { IncomingContent, IncomingEvent, IncomingFile } from "../../core/channels/channel";
import { textContent } from "../../core/channels/command-text";
import { downloadLimited } from "../../core/channels/download-limited";
import type { ParsedInbound } from "../../core/inbound/parsed-inbound";
import { vkEnvelopeSchema, type VkEnvelope } from "../../core/channels/vk-envelope";

const photoSchema = z.object({
  sizes: z.array(z.object({ url: z.string().url(), width: z.number(), height: z.number() })).min(1),
});
const docSchema = z.object({ url: z.string().url(), size: z.number().optional(), title: z.string().optional() });
const attachmentSchema = z.union([
  z.object({ type: z.literal("photo"), photo: photoSchema }),
  z.object({ type: z.literal("doc"), doc: docSchema }),
  z.object({ type: z.string() }).loose(),
]);

const messageNewSchema = z.object({
  message: z.object({
    from_id: z.number().int(),
    peer_id: z.number().int(),
    text: z.string().default(""),
    /** A keyboard button's payload, a JSON string: `{"d": "<button data>"}` for ours. */
    payload: z.string().optional(),
    attachments: z.array(attachmentSchema).default([]),
  }),
  client_info: z.object({ lang_id: z.number().int().optional() }).loose().optional(),
});

/** VK's lang_id: 0 Russian, 3 English; the others we speak have no id of their own in VK. */
const vkLanguages: Record<number, string> = { 0: "ru", 3: "en" };

const buttonPayloadSchema = z.string().transform((raw, ctx) => {
  try {
    const parsed = z.object({ d: z.string().min(1).max(64) }).safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data.d;
  } catch {
    // fall through: not our payload
  }
  ctx.addIssue({ code: "custom", message: "not a button payload of ours" });
  return z.NEVER;
});

function fileOf(attachment: z.infer<typeof attachmentSchema>): IncomingFile | undefined {
  if (attachment.type === "photo" && "photo" in attachment) {
    const photo = photoSchema.parse(attachment.photo);
    const largest = photo.sizes.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    return { kind: "photo", download: (maxBytes) => downloadLimited(largest.url, maxBytes) };
  }
  if (attachment.type === "doc" && "doc" in attachment) {
    const doc = docSchema.parse(attachment.doc);
    return { kind: "document", fileName: doc.title, declaredSize: doc.size, download: (maxBytes) => downloadLimited(doc.url, maxBytes) };
  }
  return undefined;
}

function contentOf(message: z.infer<typeof messageNewSchema>["message"]): IncomingContent {
  const button = message.payload === undefined ? undefined : buttonPayloadSchema.safeParse(message.payload);
  if (button?.success) return { kind: "button", data: button.data };
  const file = message.attachments.map(fileOf).find((f) => f !== undefined);
  if (file) return { kind: "file", file, caption: message.text || undefined };
  if (message.text) return textContent(message.text);
  return { kind: "unsupported" };
}

/** Community chats (peer ids ≥ 2e9) are not a patient's private dialogue. */
const privateDialogue = (message: { peer_id: number; from_id: number }) => message.peer_id < 2_000_000_000 && message.from_id > 0;

/** What the callback route (and the long poll) does with a verified event: its row key and chat, or why it is not kept. */
export function parseVkEvent(envelope: VkEnvelope): ParsedInbound {
  if (envelope.type !== "message_new") return { kind: "ignored" };
  if (!envelope.event_id) return { kind: "malformed", reason: "event_id: missing" };
  const parsed = messageNewSchema.safeParse(envelope.object);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { kind: "malformed", reason: `object.${issue.path.join(".")}: ${issue.message}` };
  }
  const { message } = parsed.data;
  if (!privateDialogue(message)) return { kind: "ignored" };
  return { kind: "event", id: `vk-${envelope.group_id}-${envelope.event_id}`, chatKey: `vk:${message.peer_id}` };
}

/** A stored `message_new` event as the channel-neutral event; undefined for events we do not handle; throws when malformed. */
export function vkToIncomingEvent(payload: unknown): IncomingEvent | undefined {
  const envelope = vkEnvelopeSchema.parse(payload);
  if (envelope.type !== "message_new" || !envelope.event_id) return undefined;
  const { message, client_info } = messageNewSchema.parse(envelope.object);
  if (!privateDialogue(message)) return undefined;
  return {
    eventId: `vk-${envelope.group_id}-${envelope.event_id}`,
    sender: {
      channel: "vk",
      externalUserId: String(message.from_id),
      chatId: String(message.peer_id),
      languageCode: client_info?.lang_id === undefined ? undefined : vkLanguages[client_info.lang_id],
    },
    content: contentOf(message),
  };
}
