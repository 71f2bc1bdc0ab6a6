import { createHash } from "node:crypto";
import { APIError, Keyboard, type VK } from "vk-io";
import {
  ChannelSendError,
  type Channel,
  type OutgoingButton,
  type OutgoingFileLoader,
  type OutgoingMessage,
  type SendContext,
} from "../../core/channels/channel";

/**
 * VK's idempotency key for messages.send is a 32-bit `random_id`: derived from the outbox row, a retried
 * send of the same row is dropped by VK instead of reaching the patient twice.
 */
export function randomIdFor(key: string): number {
  return createHash("sha256").update(key).digest().readInt32BE(0) & 0x7fffffff;
}

/** Inline keyboard: our data buttons carry `{"d": data}` and come back as the message's payload; links open_link. */
function keyboard(buttons: OutgoingButton[][] | undefined): string | undefined {
  const rows = buttons?.map((row) => row.filter((b) => !("requestContact" in b))).filter((row) => row.length > 0);
  if (!rows?.length) return undefined;
  const builder = Keyboard.builder().inline();
  rows.forEach((row, index) => {
    if (index > 0) builder.row();
    for (const button of row) {
      // VK caps a button label at 40 characters.
      const label = button.label.slice(0, 40);
      if ("data" in button) builder.textButton({ label, payload: { d: button.data } });
      else if ("url" in button) builder.urlButton({ label, url: button.url });
      else if ("webApp" in button) builder.urlButton({ label, url: button.webApp });
    }
  });
  return builder.toString();
}

/** VK error codes: 6 and 9 are flood control; 7, 900-902 mean the patient does not receive our messages. */
export function toChannelError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof APIError) {
    const summary = `vk: ${error.code} ${error.message}`;
    if (error.code === 6 || error.code === 9) return new ChannelSendError("rate_limited", summary, 1000);
    if ([7, 900, 901, 902].includes(Number(error.code))) return new ChannelSendError("unreachable", summary);
    if (error.code === 10) return new ChannelSendError("transient", summary);
    return new ChannelSendError("rejected", summary);
  }
  return new ChannelSendError("transient", `vk network: ${String(error)}`);
}

export class VkChannel implements Channel {
  readonly name = "vk" as const;

  constructor(
    private readonly vk: VK,
    private readonly loadFile?: OutgoingFileLoader,
  ) {}

  async send(chatId: string, message: OutgoingMessage, context?: SendContext): Promise<{ externalMessageId: string }> {
    try {
      const peerId = Number(chatId);
      // Files go through VK's upload flow first, then travel in the same message as the text.
      const attachment: string[] = [];
      for (const file of message.files ?? []) {
        if (!this.loadFile) throw new ChannelSendError("rejected", "vk: no file loader configured");
        const { bytes } = await this.loadFile(file.fileId);
        const source = { value: bytes, filename: file.fileName, contentType: file.mimeType };
        const uploaded =
          file.kind === "photo"
            ? await this.vk.upload.messagePhoto({ peer_id: peerId, source })
            : await this.vk.upload.messageDocument({ peer_id: peerId, source, title: file.fileName });
        attachment.push(uploaded.toString());
      }
      const id = await this.vk.api.messages.send({
        peer_id: peerId,
        message: message.text,
        random_id: context ? randomIdFor(context.idempotencyKey) : Math.floor(Math.random() * 2 ** 31),
        keyboard: keyboard(message.buttons),
        attachment: attachment.length ? attachment.join(",") : undefined,
        dont_parse_links: 1,
      });
      return { externalMessageId: String(id) };
    } catch (error) {
      throw toChannelError(error);
    }
  }
}
