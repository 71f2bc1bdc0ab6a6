import type { TFunction } from "i18next";
import type { OutgoingMessage } from "../channels/channel";
import type { Db } from "../db/prisma";
import { matchLanguage, translator } from "../i18n";
import type { Outbox } from "../outbox/outbox";

/**
 * Tells a patient something outside a conversation (a document is ready, a reminder, an alert):
 * through the outbox, to their newest reachable messenger account, in their language.
 */
export class PatientNotifier {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
  ) {}

  /** False when the patient has no reachable account (they blocked the bot everywhere). */
  async notify(
    patientId: string,
    build: (t: TFunction) => OutgoingMessage | OutgoingMessage[],
    namespace = "bot",
  ): Promise<boolean> {
    const account = await this.db.messengerAccount.findFirst({
      where: { patientId, unreachableAt: null },
      orderBy: { createdAt: "desc" },
      include: { patient: { select: { language: true } } },
    });
    if (!account) return false;
    const t = translator(matchLanguage(account.patient.language) ?? "ru", namespace);
    for (const message of [build(t)].flat()) await this.outbox.send(account.id, message);
    return true;
  }
}
