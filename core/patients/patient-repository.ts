import type { ChannelName, Sender } from "../channels/channel";
import { isUniqueViolation, type Db } from "../db/prisma";
import { matchLanguage, type Language } from "../i18n";

export interface PatientAccount {
  accountId: string;
  patientId: string;
  channel: ChannelName;
  chatId: string;
  language: Language;
}

type AccountRow = { id: string; patientId: string; channel: ChannelName; chatId: string; patient: { language: string } };

const toAccount = (row: AccountRow): PatientAccount => ({
  accountId: row.id,
  patientId: row.patientId,
  channel: row.channel,
  chatId: row.chatId,
  language: matchLanguage(row.patient.language) ?? "ru",
});

export class PatientRepository {
  constructor(private readonly db: Db) {}

  /** The account for a messenger user, created with a new anonymous Patient on first contact. */
  async findOrCreateAccount(sender: Sender, defaultLanguage: Language): Promise<PatientAccount> {
    const existing = await this.find(sender);
    if (existing) return existing;
    try {
      const row = await this.db.messengerAccount.create({
        data: {
          channel: sender.channel,
          externalUserId: sender.externalUserId,
          chatId: sender.chatId,
          patient: { create: { language: matchLanguage(sender.languageCode) ?? defaultLanguage } },
        },
        include: { patient: true },
      });
      return toAccount(row);
    } catch (error) {
      // Two first updates of one user raced: the other created the account (the transaction dropped our patient).
      if (isUniqueViolation(error)) {
        const winner = await this.find(sender);
        if (winner) return winner;
      }
      throw error;
    }
  }

  /** An existing account, without creating one. */
  async findAccount(who: { channel: ChannelName; externalUserId: string }): Promise<PatientAccount | undefined> {
    const row = await this.db.messengerAccount.findUnique({ where: { channel_externalUserId: who }, include: { patient: true } });
    return row ? toAccount(row) : undefined;
  }

  private async find(sender: Sender): Promise<PatientAccount | undefined> {
    const where = { channel_externalUserId: { channel: sender.channel, externalUserId: sender.externalUserId } };
    const row = await this.db.messengerAccount.findUnique({ where, include: { patient: true } });
    if (!row) return undefined;
    if (row.chatId !== sender.chatId) {
      await this.db.messengerAccount.update({ where: { id: row.id }, data: { chatId: sender.chatId } });
    }
    return toAccount({ ...row, chatId: sender.chatId });
  }

  async markUnreachable(accountId: string, at: Date): Promise<void> {
    await this.db.messengerAccount.update({ where: { id: accountId }, data: { unreachableAt: at } });
  }
}
