import type { Db } from "../db/prisma";

export class SecureChatRepository {
  constructor(private readonly db: Db) {}

  async account(accountId: string): Promise<{ id: string; patientId: string; channel: string; externalUserId: string; language: string } | undefined> {
    const row = await this.db.messengerAccount.findUnique({
      where: { id: accountId },
      select: { id: true, patientId: true, channel: true, externalUserId: true, patient: { select: { language: true } } },
    });
    if (!row) return undefined;
    const { patient, ...account } = row;
    return { ...account, language: patient.language };
  }

  /** A web chat reaches nobody while its page is closed: created unreachable, so notifications keep going to the messenger. */
  async addWebAccount(patientId: string, visitorId: string, now: Date): Promise<void> {
    await this.db.messengerAccount.create({ data: { channel: "web", externalUserId: visitorId, chatId: visitorId, patientId, unreachableAt: now } });
  }

  /** The payloads of the newest medical messages sent to the account, oldest first. */
  async medicalMessages(accountId: string, limit: number): Promise<unknown[]> {
    const rows = await this.db.outboxMessage.findMany({
      where: { accountId, payload: { path: ["medical"], equals: true } },
      orderBy: { createdAt: "desc" },
      take: limit,
      select: { payload: true },
    });
    return rows.reverse().map((row) => row.payload);
  }
}
