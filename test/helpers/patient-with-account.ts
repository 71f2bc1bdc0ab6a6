import { randomInt } from "node:crypto";
import type { Db } from "../../core/db/prisma";

/** A patient with a Telegram account, written straight to the database (no dialogue: the workers' tests run none). */
export async function patientWithAccount(db: Db, language = "ru") {
  const { id: patientId } = await db.patient.create({ data: { language } });
  const externalUserId = String(randomInt(10_000_000, 2 ** 40));
  const account = await db.messengerAccount.create({ data: { channel: "telegram", externalUserId, chatId: externalUserId, patientId } });
  return { patientId, accountId: account.id };
}
