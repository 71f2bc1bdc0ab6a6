import type { TFunction } from "i18next";
import type { OutgoingMessage } from "../channels/channel";
import type { ConsentSnapshot } from "./consent-repository";
import { requiredConsents, type ConsentKind } from "./consent-kinds";

/**
 * One patient's consents as read at the start of a dialogue step (ConsentService.forPatient): the step asks
 * "what is missing?" and "ask for it" several times without going back to the database.
 */
export class PatientConsents {
  constructor(private readonly snapshot: ConsentSnapshot) {}

  /** The version each kind is asked in now: the newest published text, else the shipped one. */
  version(kind: ConsentKind): string {
    return this.snapshot.published.find((p) => p.kind === kind)?.version ?? requiredConsents.find((c) => c.kind === kind)!.version;
  }

  /** The first required consent not given for the current text, or undefined when all are given. */
  missing(): ConsentKind | undefined {
    return requiredConsents.find(({ kind }) => !this.snapshot.given.some((c) => c.kind === kind && c.version === this.version(kind)))?.kind;
  }

  /** The question with agree/decline buttons, in the language the snapshot was read in, naming the version asked. */
  ask(kind: ConsentKind, t: TFunction): OutgoingMessage {
    const version = this.version(kind);
    const published = this.snapshot.published.find((p) => p.kind === kind)?.text;
    return {
      text: published ? `${published}\n\n${t("consent.version", { version })}` : t(`consent.${kind}.ask`, { version }),
      buttons: [
        [
          { label: t("buttons.agree"), data: `consent:${kind}:yes` },
          { label: t("buttons.decline"), data: `consent:${kind}:no` },
        ],
      ],
    };
  }

  /** After the step recorded a consent (ConsentService.give). */
  record(kind: ConsentKind): void {
    this.snapshot.given.push({ kind, version: this.version(kind) });
  }
}
