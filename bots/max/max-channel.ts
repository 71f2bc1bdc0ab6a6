import { MaxError, type Api } from "@maxhub/max-bot-api";
import type { AttachmentRequest, Button } from "@maxhub/max-bot-api/types";
import {
  ChannelSendError,
  type Channel,
  type OutgoingButton,
  type OutgoingFile,
  type OutgoingFileLoader,
  type OutgoingMessage,
} from "../../core/channels/channel";

/** MAX's limit for one message's text (POST /messages): longer replies go out as several messages. */
export const MAX_TEXT_LENGTH = 4000;
const UPLOAD_TIMEOUT_MS = 60_000;

/** Inline keyboard: our data buttons are callback buttons whose payload comes back as `message_callback`. */
function keyboard(buttons: OutgoingButton[][] | undefined): AttachmentRequest | undefined {
  const rows = buttons
    ?.map((row) =>
      row.flatMap((button): Button[] => {
        if ("data" in button) return [{ type: "callback", text: button.label, payload: button.data }];
        if ("url" in button) return [{ type: "link", text: button.label, url: button.url }];
        // `open_app` opens the bot's own registered mini app only, not any page: a link opens ours.
        if ("webApp" in button) return [{ type: "link", text: button.label, url: button.webApp }];
        // The phone flow asks MAX patients to type their number (core/identity/phone-flow.ts).
        return [];
      }),
    )
    .filter((row) => row.length > 0);
  return rows?.length ? { type: "inline_keyboard", payload: { buttons: rows } } : undefined;
}

/** Splits at line breaks where it can, so a long doctor's reply is not cut mid-word. */
export function textParts(text: string, limit = MAX_TEXT_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const breakAt = rest.lastIndexOf("\n", limit);
    const cut = breakAt > limit / 2 ? breakAt : limit;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  return [...parts, rest];
}

/**
 * 429: too many requests (MAX documents about 30 per second for a bot); 403/404: the patient blocked the bot
 * or the dialogue is gone. The codes beyond the HTTP status are not published in full, so the status decides.
 */
export function toChannelError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof MaxError) {
    const summary = `max: ${error.status} ${error.code ?? ""} ${error.description ?? ""}`.trim();
    if (error.status === 429) return new ChannelSendError("rate_limited", summary, 1000);
    if (error.status === 403 || error.status === 404) return new ChannelSendError("unreachable", summary);
    // 499: the package's own code for an upload cut off by a timeout or the network.
    if (error.status >= 500 || error.status === 499) return new ChannelSendError("transient", summary);
    return new ChannelSendError("rejected", summary);
  }
  return new ChannelSendError("transient", `max network: ${String(error)}`);
}

export class MaxChannel implements Channel {
  readonly name = "max" as const;

  constructor(
    private readonly api: Api,
    private readonly loadFile?: OutgoingFileLoader,
  ) {}

  /**
   * Uploads the bytes and returns the attachment for POST /messages. Not the package's `uploadFile`: from a
   * Buffer it names every file with a random UUID, and a patient should see "protocol.pdf".
   */
  private async upload(file: OutgoingFile): Promise<AttachmentRequest> {
    if (!this.loadFile) throw new ChannelSendError("rejected", "max: no file loader configured");
    const { bytes } = await this.loadFile(file.fileId);
    const type = file.kind === "photo" ? "image" : "file";
    const { url } = await this.api.raw.uploads.getUploadUrl({ type });
    const form = new FormData();
    form.append("data", new Blob([new Uint8Array(bytes)], { type: file.mimeType }), file.fileName);
    const response = await fetch(url, { method: "POST", body: form, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
    const body = (await response.json().catch(() => ({}))) as { token?: string; photos?: Record<string, { token: string }>; message?: string };
    if (!response.ok) throw new MaxError(response.status, { code: "upload.failed", message: body.message ?? "upload failed" });
    if (type === "image" && body.photos) return { type: "image", payload: { photos: body.photos } };
    if (type === "file" && body.token) return { type: "file", payload: { token: body.token } };
    throw new ChannelSendError("transient", "max: the upload answered without a token");
  }

  async send(chatId: string, message: OutgoingMessage): Promise<{ externalMessageId: string }> {
    try {
      // Files first: a failed upload sends nothing, so the outbox's retry does not repeat the text.
      const attachments: AttachmentRequest[] = [];
      for (const file of message.files ?? []) attachments.push(await this.upload(file));
      const markup = keyboard(message.buttons);
      if (markup) attachments.push(markup);
      const parts = textParts(message.text);
      let sent: { body: { mid: string } } | undefined;
      for (const [index, text] of parts.entries()) {
        // The files and buttons ride on the last part, under the text they belong to.
        const last = index === parts.length - 1;
        sent = await this.api.sendMessageToChat(Number(chatId), text, last && attachments.length ? { attachments } : {});
      }
      return { externalMessageId: sent!.body.mid };
    } catch (error) {
      throw toChannelError(error);
    }
  }
}
