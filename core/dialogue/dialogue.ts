import type { TFunction } from "i18next";
import { z } from "zod";
import type { IncomingEvent, OutgoingMessage } from "../channels/channel";
import { consentKindSchema, type ConsentService } from "../consents/consent-service";
import type { PatientConsents } from "../consents/patient-consents";
import type { Language } from "../i18n";
import { translator } from "../i18n";
import type { PatientAccount, PatientRepository } from "../patients/patient-repository";
import type { ButtonHandler, CommandHandler, ContactReceiver, EmergencyCheck, FileReceiver, MedicalTextHandler, TextInterceptor } from "./handlers";
import { languageChoice } from "./language";

/** Button payloads the dialogue understands; anything else is ignored as stale or forged. */
const consentButtonSchema = z
  .string()
  .regex(/^consent:[a-z_]+:(yes|no)$/)
  .transform((data) => {
    const [, kind, answer] = data.split(":");
    return { kind: consentKindSchema.parse(kind), agreed: answer === "yes" };
  });

export interface DialogueDeps {
  patients: PatientRepository;
  consents: ConsentService;
  defaultLanguage: Language;
  buttonHandlers?: ButtonHandler[];
  commandHandlers?: CommandHandler[];
  files?: FileReceiver;
  /** What a patient's text is once both consents are given: the intake's next step or a message to their consultation. */
  intake: MedicalTextHandler;
  contacts?: ContactReceiver;
  textInterceptors?: TextInterceptor[];
  emergencies?: EmergencyCheck;
}

/**
 * The conversation with a patient, written once for every messenger. Nothing medical is stored
 * before both consents are given: a complaint sent earlier is answered but not kept.
 */
export class Dialogue {
  constructor(private readonly deps: DialogueDeps) {}

  /**
   * Runs one incoming event and hands its replies to `commit`, which writes them with the inbound row marked
   * processed (core/inbound/inbound-reply-repository.ts): an event run twice after a crash still answers once. Throws when
   * processing failed. `read`: the sender's account as the caller already read or created it in this transaction.
   */
  async handle(event: IncomingEvent, commit: (accountId: string, replies: OutgoingMessage[]) => Promise<void>, read?: PatientAccount): Promise<void> {
    const replies: OutgoingMessage[] = [];
    const account = await this.process(event, replies, read);
    await commit(account.accountId, replies);
  }

  /** The dialogue's step for the event; its replies go to `replies`. */
  private async process(event: IncomingEvent, replies: OutgoingMessage[], read?: PatientAccount): Promise<PatientAccount> {
    const account = await this.deps.patients.findOrCreateAccount(event.sender, this.deps.defaultLanguage, read);
    await this.step(account, event, replies);
    return account;
  }

  private async step(account: PatientAccount, event: IncomingEvent, replies: OutgoingMessage[]): Promise<void> {
    const t = translator(account.language);
    const reply = (...messages: OutgoingMessage[]) => void replies.push(...messages);
    const { content } = event;
    // Read once, when the step first needs it: a step asks what is missing, and asks for it, more than once.
    let snapshot: Promise<PatientConsents> | undefined;
    const consents = () => (snapshot ??= this.deps.consents.forPatient(account.patientId, account.language, account.consents));
    const missingConsent = async () => (await consents()).missing();

    switch (content.kind) {
      case "command": {
        if (content.command === "start") {
          return reply({ text: t("welcome") }, languageChoice(t, account.language), await this.nextStep(account, t, await consents()));
        }
        const handler = this.deps.commandHandlers?.find((h) => h.command === content.command);
        const missing = handler && !handler.beforeConsent && (await missingConsent());
        if (handler && !missing) return reply(...(await handler.handle(account, content.args, t)));
        return reply(await this.nextStep(account, t, await consents()));
      }
      case "button": {
        const handler = this.deps.buttonHandlers?.find((h) => content.data.startsWith(`${h.prefix}:`));
        const withoutConsent = handler?.requiresConsent && (await missingConsent());
        if (withoutConsent) return reply({ text: t("consent.required") }, (await consents()).ask(withoutConsent, t));
        if (handler) return reply(...(await handler.handle(account, content.data, t)));
        const consent = consentButtonSchema.safeParse(content.data);
        if (!consent.success) return;
        if (!consent.data.agreed) return reply({ text: t("consent.declined") });
        await this.deps.consents.give(account.patientId, consent.data.kind, await consents());
        return reply({ text: t(`consent.${consent.data.kind}.given`) }, await this.nextStep(account, t, await consents()));
      }
      case "text": {
        const missing = await missingConsent();
        if (missing) {
          return reply(...(await this.emergencyBeforeConsent(account, content.text, t)), { text: t("consent.required") }, (await consents()).ask(missing, t));
        }
        for (const interceptor of this.deps.textInterceptors ?? []) {
          const claimed = await interceptor.intercept(account, content.text, t);
          if (claimed) return reply(...claimed);
        }
        return reply(...(await this.deps.intake.onText(account, content.text, t)));
      }
      case "file": {
        const missing = await missingConsent();
        if (missing) return reply({ text: t("consent.required") }, (await consents()).ask(missing, t));
        if (this.deps.files) return reply(...(await this.deps.files.receive(account, content, t)));
        return reply({ text: t("unsupported") });
      }
      case "contact": {
        // A phone number is personal data: not kept before consent either.
        const missing = await missingConsent();
        if (missing) return reply({ text: t("consent.required") }, (await consents()).ask(missing, t));
        if (this.deps.contacts) return reply(...(await this.deps.contacts.receive(account, content, t)));
        return reply({ text: t("unsupported") });
      }
      case "unsupported":
        return reply({ text: t("unsupported") });
    }
  }

  /**
   * An emergency described before the consents is answered with the emergency instruction at once, and the
   * text is read in memory only, never stored. Emergency medical help is given without delay (323-FZ art. 11
   * part 2); processing personal data without consent is allowed when it is needed to protect the person's life
   * or health and consent cannot be obtained (152-FZ art. 6 part 1 item 6; for health data art. 10 part 2 item 3).
   */
  private async emergencyBeforeConsent(account: PatientAccount, text: string, t: TFunction): Promise<OutgoingMessage[]> {
    if (!(await this.deps.emergencies?.isEmergency(account.language, text))) return [];
    return [{ text: t("intake.emergency_now"), alarm: "emergency" }];
  }

  /** The consent still missing, or the invitation to describe the complaint; `consents` as the step read them, if it did. */
  readonly nextStep = async (account: PatientAccount, t: TFunction, consents?: PatientConsents): Promise<OutgoingMessage> => {
    const known = consents ?? (await this.deps.consents.forPatient(account.patientId, account.language));
    const missing = known.missing();
    if (missing) return known.ask(missing, t);
    return (await this.deps.intake.resume?.(account, t)) ?? { text: t("complaint.ask") };
  };
}
