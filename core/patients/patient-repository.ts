import { randomUUID } from "node:crypto";
import type { ChannelName, Sender } from "../channels/channel";
import { isUniqueViolation, type Db } from "../db/prisma";
import type { ConsentKind } from "../consents/consent-kinds";
import { matchLanguage, type Language } from "../i18n";

export interface PatientAccount {
  accountId: string;
  patientId: string;
  channel: ChannelName;
  chatId: string;
  language: Language;
  /** The patient's consents in force as the account was read: a dialogue step's consent check needs no query of its own. */
  consents?: Array<{ kind: ConsentKind; version: string }>;
}

/** How `findAccounts` keys a messenger user. */
export const accountKey = (who: { channel: ChannelName; externalUserId: string }) => `${who.channel}:${who.externalUserId}`;

export class PatientRepository {
  constructor(private readonly db: Db) {}

  /**
   * The account for a messenger user, created with a new anonymous Patient on first contact. `read`: the account as
   * already read or created in this transaction (`findOrCreateAccounts`), so it is not read again.
   */
  async findOrCreateAccount(sender: Sender, defaultLanguage: Language, read?: PatientAccount): Promise<PatientAccount> {
    const existing = await this.withChat(read ?? (await this.findAccount(sender)), sender);
    if (existing) return existing;
    try {
      return (await this.createAccounts([sender], defaultLanguage))[0]!;
    } catch (error) {
      // Two first updates of one user raced: the other created the account (the statement dropped our patient).
      if (isUniqueViolation(error)) {
        const winner = await this.withChat(await this.findAccount(sender), sender);
        if (winner) return winner;
      }
      throw error;
    }
  }

  /** An existing account, without creating one. */
  async findAccount(who: { channel: ChannelName; externalUserId: string }): Promise<PatientAccount | undefined> {
    return (await this.findAccounts([who])).get(accountKey(who)) ?? undefined;
  }

  /**
   * The accounts of several messenger users in one round trip (an inbound batch's senders; every update of a patient
   * starts here), with their patient's language and consents; null for a user with no account yet. Keyed by `accountKey`.
   */
  async findAccounts(who: Array<{ channel: ChannelName; externalUserId: string }>): Promise<Map<string, PatientAccount | null>> {
    const rows = await this.db.$queryRaw<Array<PatientAccount & { language: string; externalUserId: string }>>`
      SELECT a."id" AS "accountId", a."patientId", a."channel"::text AS "channel", a."chatId", a."externalUserId", p."language",
        (SELECT coalesce(json_agg(json_build_object('kind', c."kind", 'version', c."version")), '[]'::json)
         FROM "Consent" c WHERE c."patientId" = a."patientId" AND c."withdrawnAt" IS NULL) AS "consents"
      FROM unnest(${who.map((w) => w.channel)}::text[], ${who.map((w) => w.externalUserId)}::text[]) AS w(c, u)
      JOIN "MessengerAccount" a ON a."channel" = w.c::"ChannelName" AND a."externalUserId" = w.u
      JOIN "Patient" p ON p."id" = a."patientId"`;
    const found = new Map<string, PatientAccount | null>(who.map((w) => [accountKey(w), null]));
    for (const { externalUserId, ...row } of rows) found.set(accountKey({ channel: row.channel, externalUserId }), { ...row, language: matchLanguage(row.language) ?? "ru" });
    return found;
  }

  /**
   * The accounts of several messenger users (an inbound batch's senders) in two round trips at most: read at once, and
   * the missing ones created at once, each with a new anonymous Patient. Keyed by `accountKey`. Two first updates of one
   * user racing in two processes make this throw (a unique violation): the caller runs them one by one.
   */
  async findOrCreateAccounts(senders: Sender[], defaultLanguage: Language): Promise<Map<string, PatientAccount>> {
    const found = await this.findAccounts(senders);
    const missing = [...new Map(senders.filter((sender) => !found.get(accountKey(sender))).map((sender) => [accountKey(sender), sender])).values()];
    const created = await this.createAccounts(missing, defaultLanguage);
    missing.forEach((sender, i) => found.set(accountKey(sender), created[i]!));
    return found as Map<string, PatientAccount>;
  }

  /** New accounts, each with a new anonymous Patient, in one statement; in the senders' order. */
  private async createAccounts(senders: Sender[], defaultLanguage: Language): Promise<PatientAccount[]> {
    const created = senders.map((sender) => ({
      accountId: randomUUID(),
      patientId: randomUUID(),
      channel: sender.channel,
      chatId: sender.chatId,
      language: matchLanguage(sender.languageCode) ?? defaultLanguage,
      consents: [],
    }));
    if (created.length === 0) return [];
    const now = new Date();
    await this.db.$executeRaw`
      WITH input AS (
        SELECT * FROM unnest(${created.map((c) => c.patientId)}::uuid[], ${created.map((c) => c.language)}::text[], ${created.map((c) => c.accountId)}::uuid[],
                             ${created.map((c) => c.channel)}::text[], ${senders.map((s) => s.externalUserId)}::text[], ${created.map((c) => c.chatId)}::text[])
          AS t(patient, language, account, channel, "user", chat)
      ), patients AS (
        INSERT INTO "Patient" ("id", "language", "createdAt") SELECT patient, language, ${now}::timestamp FROM input RETURNING "id"
      )
      INSERT INTO "MessengerAccount" ("id", "channel", "externalUserId", "chatId", "patientId", "createdAt")
      SELECT i.account, i.channel::"ChannelName", i."user", i.chat, p."id", ${now}::timestamp FROM input i JOIN patients p ON p."id" = i.patient`;
    return created;
  }

  /** The account, answered in the chat the sender writes from now (kept up to date when it changed). */
  private async withChat(account: PatientAccount | null | undefined, sender: Sender): Promise<PatientAccount | undefined> {
    if (!account) return undefined;
    if (account.chatId !== sender.chatId) {
      await this.db.messengerAccount.update({ where: { id: account.accountId }, data: { chatId: sender.chatId } });
    }
    return { ...account, chatId: sender.chatId };
  }

  async markUnreachable(accountId: string, at: Date): Promise<void> {
    await this.db.messengerAccount.update({ where: { id: accountId }, data: { unreachableAt: at } });
  }

  /** The patient's newest reachable messenger account and their language: where a notice goes. */
  async reachableAccount(patientId: string): Promise<{ accountId: string; language: Language } | undefined> {
    const account = await this.db.messengerAccount.findFirst({
      where: { patientId, unreachableAt: null },
      orderBy: { createdAt: "desc" },
      select: { id: true, patient: { select: { language: true } } },
    });
    return account ? { accountId: account.id, language: matchLanguage(account.patient.language) ?? "ru" } : undefined;
  }
}
