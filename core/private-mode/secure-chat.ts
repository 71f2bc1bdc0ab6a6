import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { AuditRepository } from "../audit/audit-repository";
import { outgoingMessageSchema, type OutgoingMessage } from "../channels/channel";
import type { WebInbox } from "../channels/web-inbox";
import type { WebTokens } from "../channels/web-tokens";
import { matchLanguage, translator } from "../i18n";
import type { PendingDelivery } from "../outbox/outbox";
import { redisKeys } from "../redis-keys";
import type { SecureChatRepository } from "./secure-chat-repository";

export interface SecureChatDeps {
  accounts: SecureChatRepository;
  audit: AuditRepository;
  redis: Redis;
  prefix: string;
  tokens: WebTokens;
  inbox: WebInbox;
  publicUrl: string;
  linkTtlSeconds: number;
  /** CLINICAL_CONTENT_IN_MESSENGERS: true sends medical content through the messengers as before. */
  clinicalContentInMessengers: boolean;
}

/** How many of the replaced messages a secure chat shows when it opens. */
const REPLAY = 100;
const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Private mode (CLINICAL_CONTENT_IN_MESSENGERS=false): a message marked `medical` (a doctor's reply, its files, a
 * monitoring alert) never goes to Telegram or VK servers. The outbox renders it, in this one place, as a short
 * notice with a one-time link to the clinic's own web chat, bound to that messenger account, where the content
 * is shown. The outbox row keeps the full message: that is what the secure chat replays.
 */
export class SecureChat {
  constructor(private readonly deps: SecureChatDeps) {}

  private key(tokenHash: string) {
    return redisKeys(this.deps.prefix).secureChat(tokenHash);
  }

  /** What the messenger receives for this outbox row. */
  async render(delivery: PendingDelivery): Promise<OutgoingMessage> {
    const { message } = delivery;
    if (this.deps.clinicalContentInMessengers || delivery.channel === "web" || !message.medical) return message;
    const account = await this.deps.accounts.account(delivery.accountId);
    const t = translator(matchLanguage(account?.language) ?? "ru", "rights");
    const token = randomBytes(32).toString("base64url");
    await this.deps.redis.set(this.key(hash(token)), delivery.accountId, "EX", this.deps.linkTtlSeconds);
    const url = `${this.deps.publicUrl.replace(/\/$/, "")}/widget?login=${token}`;
    return { text: t("private.notice", { hours: Math.round(this.deps.linkTtlSeconds / 3600) }), buttons: [[{ label: t("private.open"), url }]] };
  }

  /**
   * Exchanges a link (once) for a web chat visitor of the same patient and puts the replaced messages into its
   * chat. Undefined when the link is unknown, used or expired, or the account was erased.
   */
  async redeem(token: string, now = new Date()): Promise<{ token: string } | undefined> {
    const { accounts } = this.deps;
    const accountId = await this.deps.redis.getdel(this.key(hash(token)));
    if (!accountId) return undefined;
    const account = await accounts.account(accountId);
    if (!account || account.externalUserId.startsWith("erased:")) return undefined;
    const visitor = this.deps.tokens.newVisitor();
    // A web chat reaches nobody while its page is closed: marked unreachable so notifications keep going to the
    // messenger (as notices), while the conversation typed in this chat is still answered here.
    await accounts.addWebAccount(account.patientId, visitor.visitorId, now);
    const payloads = await accounts.medicalMessages(accountId, REPLAY);
    for (const payload of payloads) {
      const parsed = outgoingMessageSchema.safeParse(payload);
      if (parsed.success) await this.deps.inbox.push(visitor.visitorId, parsed.data);
    }
    await this.deps.audit.record({
      actor: { type: "patient", id: account.patientId },
      action: "secure_chat.open",
      entityType: "patient",
      entityId: account.patientId,
      meta: { fromAccountId: account.id, channel: account.channel, messages: payloads.length },
    });
    return { token: visitor.token };
  }
}
