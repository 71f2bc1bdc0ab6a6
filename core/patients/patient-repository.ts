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

export class PatientRepository {
  constructor(private readonly db: Db) {}

  /** The account for a messenger user, created with a new anonymous Patient on first contact. */
  async findOrCreateAccount(sender: Sender, defaultLanguage: Language): Promise<PatientAccount> {
    const existing = await this.find(sender);
    if (existing) return existing;
    const language = matchLanguage(sender.languageCode) ?? defaultLanguage;
    try {
      // Patient and account in one statement (one round trip, one transaction).
      const now = new Date();
      const [row] = await this.db.$queryRaw<Array<Omit<PatientAccount, "language">>>`
        WITH patient AS (
          INSERT INTO "Patient" ("id", "language", "createdAt") VALUES (${randomUUID()}::uuid, ${language}, ${now}::timestamp) RETURNING "id"
        )
        INSERT INTO "MessengerAccount" ("id", "channel", "externalUserId", "chatId", "patientId", "createdAt")
        SELECT ${randomUUID()}::uuid, ${sender.channel}::"ChannelName", ${sender.externalUserId}, ${sender.chatId}, patient."id", ${now}::timestamp FROM patient
        RETURNING "id" AS "accountId", "patientId", "channel"::text AS "channel", "chatId"`;
      return { ...row!, language, consents: [] };
    } catch (error) {
      // Two first updates of one user raced: the other created the account (the statement dropped our patient).
      if (isUniqueViolation(error)) {
        const winner = await this.find(sender);
        if (winner) return winner;
      }
      throw error;
    }
  }

  /** An existing account, without creating one. */
  async findAccount(who: { channel: ChannelName; externalUserId: string }): Promise<PatientAccount | undefined> {
    // Account, patient and consents in one round trip (every update of a patient starts here).
    const [row] = await this.db.$queryRaw<Array<PatientAccount & { language: string }>>`
      SELECT a."id" AS "accountId", a."patientId", a."channel"::text AS "channel", a."chatId", p."language",
        (SELECT coalesce(json_agg(json_build_object('kind', c."kind", 'version', c."version")), '[]'::json)
         FROM "Consent" c WHERE c."patientId" = a."patientId" AND c."withdrawnAt" IS NULL) AS "consents"
      FROM "MessengerAccount" a JOIN "Patient" p ON p."id" = a."patientId"
      WHERE a."channel" = ${who.channel}::"ChannelName" AND a."externalUserId" = ${who.externalUserId}`;
    return row ? { ...row, language: matchLanguage(row.language) ?? "ru" } : undefined;
  }

  private async find(sender: Sender): Promise<PatientAccount | undefined> {
    const account = await this.findAccount(sender);
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
