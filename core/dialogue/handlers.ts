import type { TFunction } from "i18next";
import type { IncomingFile, OutgoingMessage } from "../channels/channel";
import type { Language } from "../i18n";
import type { PatientAccount } from "../patients/patient-repository";

// What features plug into the dialogue (core/dialogue/dialogue.ts), registered in the composition root.

/**
 * A feature's buttons (reminders, queue, bookings…): button data `<prefix>:…` goes to the handler
 * with that prefix, which answers with the messages to send. Registered in the composition root.
 */
export interface ButtonHandler {
  prefix: string;
  /** Its buttons carry medical answers: refused (and consent asked for) while a required consent is missing. */
  requiresConsent?: true;
  handle(account: PatientAccount, data: string, t: TFunction): Promise<OutgoingMessage[]>;
}

/**
 * A feature's slash command (e.g. `/account`): answered by the handler, for patients who gave both consents
 * unless `beforeConsent` (commands that store nothing medical, such as linking a second messenger).
 */
export interface CommandHandler {
  command: string;
  beforeConsent?: true;
  handle(account: PatientAccount, args: string, t: TFunction): Promise<OutgoingMessage[]>;
}

/** Keeps a patient's photo or document (checks, stores, attaches it) and says what to tell the patient. */
export interface FileReceiver {
  receive(account: PatientAccount, content: { file: IncomingFile; caption?: string }, t: TFunction): Promise<OutgoingMessage[]>;
}

/** What becomes of a patient's text once both consents are given (the intake, see core/intake/intake-flow.ts). */
export interface MedicalTextHandler {
  onText(account: PatientAccount, text: string, t: TFunction): Promise<OutgoingMessage[]>;
  /** The pending question of an unfinished intake, asked again when the patient comes back (e.g. `/start`). */
  resume?(account: PatientAccount, t: TFunction): Promise<OutgoingMessage | undefined>;
}

/** A contact the messenger vouches for (the identity module confirms the phone number with it). */
export interface ContactReceiver {
  receive(account: PatientAccount, contact: { phone: string; own: boolean }, t: TFunction): Promise<OutgoingMessage[]>;
}

/** Claims a text before the intake sees it (a phone number or a code the patient was asked for), or passes. */
export interface TextInterceptor {
  intercept(account: PatientAccount, text: string, t: TFunction): Promise<OutgoingMessage[] | undefined>;
}

/** Tells whether a text describes an emergency (the red-flag rules, core/intake/red-flags.ts). */
export interface EmergencyCheck {
  isEmergency(language: Language, text: string): Promise<boolean>;
}
