import type { TFunction } from "i18next";
import type { OutgoingMessage } from "../channels/channel";
import { translator } from "../i18n";
import type { Outbox } from "../outbox/outbox";
import type { PatientRepository } from "./patient-repository";

/**
 * Tells a patient something outside a conversation (a document is ready, a reminder, an alert):
 * through the outbox, to their newest reachable messenger account, in their language.
 */
export class PatientNotifier {
  constructor(
    private readonly patients: Pick<PatientRepository, "reachableAccount">,
    private readonly outbox: Outbox,
  ) {}

  /** False when the patient has no reachable account (they blocked the bot everywhere). */
  async notify(
    patientId: string,
    build: (t: TFunction) => OutgoingMessage | OutgoingMessage[],
    namespace = "bot",
  ): Promise<boolean> {
    const account = await this.patients.reachableAccount(patientId);
    if (!account) return false;
    const t = translator(account.language, namespace);
    for (const message of [build(t)].flat()) await this.outbox.send(account.accountId, message);
    return true;
  }
}
