import { createTelegramAdapter } from "../../bots/telegram/telegram-bot";
import { parseTelegramUpdate } from "../../bots/telegram/telegram-update";
import { createMaxAdapter } from "../../bots/max/max-adapter";
import { maxToIncomingEvent, parseMaxUpdate } from "../../bots/max/max-update";
import { createVkAdapter } from "../../bots/vk/vk-adapter";
import { parseVkEvent, vkToIncomingEvent } from "../../bots/vk/vk-event";
import type { VkEnvelope } from "../../core/channels/vk-envelope";
import { WebChannel } from "../../bots/web/web-channel";
import { parseWebMessage, webToIncomingEvent } from "../../bots/web/web-event";
import { AttachmentReceiver, attachmentLimits } from "../../core/attachments/attachment-receiver";
import type { ChannelName, IncomingEvent } from "../../core/channels/channel";
import { WebInbox } from "../../core/channels/web-inbox";
import type { WebMessage } from "../../core/channels/web-message";
import { WebTokens } from "../../core/channels/web-tokens";
import type { ConsultationDesk } from "../../core/consultations/consultation-desk";
import type { PatientMessageRepository } from "../../core/consultations/patient-message-repository";
import { InboundBell } from "../../core/inbound/inbound-bell";
import { InboundIntake } from "../../core/inbound/inbound-intake";
import { InboundStore } from "../../core/inbound/inbound-repository";
import type { ParsedInbound } from "../../core/inbound/parsed-inbound";
import { AccountLinking } from "../../core/linking/account-linking";
import { AccountLinkingRepository } from "../../core/linking/account-linking-repository";
import { LinkCodes } from "../../core/linking/link-codes";
import { SecureChat } from "../../core/private-mode/secure-chat";
import { SecureChatRepository } from "../../core/private-mode/secure-chat-repository";
import { inboundQueue } from "../../workers/inbound.worker";
import type { Foundation } from "./foundation";

/**
 * The messengers (Telegram, VK, MAX, the web chat) and the one inbound path: each edge stores the raw event, the
 * inbound worker runs the dialogue. Also what the channels carry: attachments, account linking, the secure chat.
 */
export function channelsWiring(
  { config, db, redis, logger, metrics, files, audit, queues }: Foundation,
  desk: ConsultationDesk,
  patientMessages: PatientMessageRepository,
) {
  const loadFile = (fileId: string) => files.read(fileId);
  const telegram = config.TELEGRAM_BOT_TOKEN
    ? createTelegramAdapter({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        onError: (error) => logger.error({ err: error }, "telegram update failed"),
        loadFile,
      })
    : undefined;
  const inbound = new InboundStore(db, config.REDIS_PREFIX);
  const inboundJobs = inboundQueue(config.INBOUND_SWEEP_SECONDS * 1000);
  const inboundBell = new InboundBell(redis, config.REDIS_PREFIX, (error) => logger.warn({ err: error }, "inbound bell: the inbound worker finds stored events at its next poll"));
  const intake = new InboundIntake(inbound, () => inboundBell.ring());
  // Every edge's outcome, by channel.
  const acceptCounted = async (channel: ChannelName, parsed: ParsedInbound, payload: unknown) => {
    try {
      await intake.accept(channel, parsed, payload);
    } catch (error) {
      metrics.inboundEvents.inc({ channel, outcome: "unavailable" });
      throw error;
    }
    metrics.inboundEvents.inc({ channel, outcome: parsed.kind === "event" ? "accepted" : parsed.kind });
  };
  const vk =
    config.VK_TOKEN && config.VK_GROUP_ID
      ? createVkAdapter({
          token: config.VK_TOKEN,
          groupId: config.VK_GROUP_ID,
          apiRoot: config.VK_API_ROOT,
          loadFile,
          onError: (error) => logger.warn({ err: error }, "vk long poll"),
        })
      : undefined;
  const max = config.MAX_BOT_TOKEN
    ? createMaxAdapter({
        token: config.MAX_BOT_TOKEN,
        apiUrl: config.MAX_API_URL,
        loadFile,
        onError: (error) => logger.warn({ err: error }, "max long poll"),
      })
    : undefined;
  const webInbox = new WebInbox(redis, config.REDIS_PREFIX);
  const webTokens = new WebTokens(config.WIDGET_SECRET, {
    fileLinkTtlSeconds: config.WIDGET_FILE_LINK_TTL_SECONDS,
    visitorTtlSeconds: config.WIDGET_TOKEN_TTL_SECONDS,
  });
  const decoders: Record<ChannelName, (payload: unknown) => IncomingEvent | undefined> = {
    telegram: (payload) => {
      if (!telegram) throw new Error("TELEGRAM_BOT_TOKEN is not set");
      return telegram.toEvent(payload);
    },
    vk: vkToIncomingEvent,
    web: (payload) => webToIncomingEvent(payload, async (fileId) => (await files.read(fileId)).bytes),
    max: maxToIncomingEvent,
  };
  return {
    telegram,
    vk,
    max,
    web: new WebChannel(webInbox),
    webInbox,
    webTokens,
    inbound,
    inboundJobs,
    inboundBell,
    decoders,
    acceptTelegram: (update: unknown) => acceptCounted("telegram", parseTelegramUpdate(update, telegram!.botId), update),
    // VK's secret is ours, not the patient's: it is not kept.
    acceptVk: ({ secret: _secret, ...envelope }: VkEnvelope) => acceptCounted("vk", parseVkEvent(envelope), envelope),
    acceptWeb: (message: WebMessage) => acceptCounted("web", parseWebMessage(message), message),
    acceptMax: (update: unknown) => acceptCounted("max", parseMaxUpdate(update), update),
    attachments: new AttachmentReceiver(patientMessages, files, (id) => desk.publish("consultation.message", id), {
      ...attachmentLimits,
      maxPixels: config.UPLOAD_MAX_MEGAPIXELS * 1_000_000,
    }),
    linking: new AccountLinking(
      new AccountLinkingRepository(db),
      new LinkCodes(redis, config.REDIS_PREFIX, { ttlSeconds: config.LINK_CODE_TTL_SECONDS, maxAttempts: 5, attemptWindowSeconds: 15 * 60 }),
    ),
    secureChat: new SecureChat({
      accounts: new SecureChatRepository(db),
      audit,
      redis,
      prefix: config.REDIS_PREFIX,
      tokens: webTokens,
      inbox: webInbox,
      publicUrl: config.PUBLIC_URL,
      linkTtlSeconds: config.SECURE_CHAT_LINK_TTL_SECONDS,
      clinicalContentInMessengers: config.CLINICAL_CONTENT_IN_MESSENGERS,
    }),
  };
}

export type Channels = ReturnType<typeof channelsWiring>;
