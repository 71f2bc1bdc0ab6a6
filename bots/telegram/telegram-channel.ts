import { GrammyError, HttpError, type Api } from "grammy";
import { ChannelSendError, type Channel, type OutgoingMessage } from "../../core/channels/channel";

/** Sends channel-neutral messages through the Bot API and names its failures in channel-neutral terms. */
export class TelegramChannel implements Channel {
  readonly name = "telegram" as const;

  constructor(private readonly api: Api) {}

  async send(chatId: string, message: OutgoingMessage): Promise<{ externalMessageId: string }> {
    try {
      const sent = await this.api.sendMessage(chatId, message.text, {
        reply_markup: message.buttons
          ? { inline_keyboard: message.buttons.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))) }
          : undefined,
      });
      return { externalMessageId: String(sent.message_id) };
    } catch (error) {
      throw toChannelError(error);
    }
  }
}

export function toChannelError(error: unknown): ChannelSendError {
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
