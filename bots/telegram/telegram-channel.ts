import { GrammyError, HttpError, InputFile, type Api } from "grammy";
import type { InlineKeyboardButton, ReplyKeyboardMarkup } from "grammy/types";
import {
  ChannelSendError,
  type Channel,
  type OutgoingButton,
  type OutgoingFileLoader,
  type OutgoingMessage,
} from "../../core/channels/channel";

/** Sends channel-neutral messages through the Bot API and names its failures in channel-neutral terms. */
export class TelegramChannel implements Channel {
  readonly name = "telegram" as const;

  constructor(
    private readonly api: Api,
    private readonly loadFile?: OutgoingFileLoader,
  ) {}

  async send(chatId: string, message: OutgoingMessage): Promise<{ externalMessageId: string }> {
    try {
      const sent = await this.api.sendMessage(chatId, message.text, { reply_markup: replyMarkup(message.buttons) });
      // After the text, so the patient reads what the files are before they arrive.
      for (const file of message.files ?? []) {
        if (!this.loadFile) throw new ChannelSendError("rejected", "telegram: no file loader configured");
        const { bytes, fileName } = await this.loadFile(file.fileId);
        const input = new InputFile(bytes, file.fileName || fileName);
        if (file.kind === "photo") await this.api.sendPhoto(chatId, input);
        else await this.api.sendDocument(chatId, input);
      }
      return { externalMessageId: String(sent.message_id) };
    } catch (error) {
      throw toChannelError(error);
    }
  }
}

export function toChannelError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof GrammyError) {
    const summary = `telegram ${error.method}: ${error.error_code} ${error.description}`;
    if (error.error_code === 429) {
      return new ChannelSendError("rate_limited", summary, (error.parameters.retry_after ?? 1) * 1000);
    }
    // 403: the user blocked the bot or deleted their account; "chat not found": the chat is gone.
    if (error.error_code === 403 || /chat not found/i.test(error.description)) {
      return new ChannelSendError("unreachable", summary);
    }
    if (error.error_code >= 500) return new ChannelSendError("transient", summary);
    return new ChannelSendError("rejected", summary);
  }
  if (error instanceof HttpError) return new ChannelSendError("transient", `telegram network: ${error.message}`);
  return new ChannelSendError("transient", String(error));
}

/**
 * Telegram cannot mix the contact-sharing button (a reply keyboard under the input field) with inline
 * buttons: a message that asks for the contact gets a one-time reply keyboard, every other one inline buttons.
 */
function replyMarkup(buttons: OutgoingButton[][] | undefined): { inline_keyboard: InlineKeyboardButton[][] } | ReplyKeyboardMarkup | undefined {
  if (!buttons) return undefined;
  if (buttons.flat().some((b) => "requestContact" in b)) {
    return {
      keyboard: buttons.map((row) => row.map((b) => ("requestContact" in b ? { text: b.label, request_contact: true } : { text: b.label }))),
      one_time_keyboard: true,
      resize_keyboard: true,
    };
  }
  return { inline_keyboard: buttons.map((row) => row.map(inlineButton)) };
}

function inlineButton(button: OutgoingButton): InlineKeyboardButton {
  if ("data" in button) return { text: button.label, callback_data: button.data };
  if ("url" in button) return { text: button.label, url: button.url };
  if ("webApp" in button) return { text: button.label, web_app: { url: button.webApp } };
  return { text: button.label, callback_data: "contact" };
}
