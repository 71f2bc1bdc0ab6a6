import type { Channel, OutgoingMessage } from "../../core/channels/channel";
import type { WebInbox } from "../../core/channels/web-inbox";

/**
 * The web chat as a messenger: "sending" keeps the message in the visitor's inbox and wakes their open
 * page. Files stay StoredFile ids here; the page gets short-lived signed links when the message is shown.
 */
export class WebChannel implements Channel {
  readonly name = "web" as const;

  constructor(private readonly inbox: WebInbox) {}

  async send(chatId: string, message: OutgoingMessage): Promise<{ externalMessageId: string }> {
    return { externalMessageId: await this.inbox.push(chatId, message) };
  }
}
