import type { OutgoingMessage } from "../channels/channel";
import { consentKindSchema, type ConsentService } from "../consents/consent-service";
import type { ButtonHandler, CommandHandler } from "./handlers";
import { formatDateTime } from "./format-date";
import type { PatientPreferences } from "../patients/patient-preferences-repository";

interface Deps {
  consents: ConsentService;
  preferences: PatientPreferences;
  /** Drops medical text not yet attached to a consultation (an unfinished intake): without consent it may not stay. */
  discardUnfinished(patientId: string): Promise<unknown>;
}

/**
 * `/consents`: what the patient agreed to (version, date in their language and timezone) with a withdraw
 * button; withdrawal asks once more, then is recorded and stops processing until they consent again.
 */
export function consentsHandlers(deps: Deps): { command: CommandHandler; buttons: ButtonHandler } {
  return {
    command: {
      command: "consents",
      beforeConsent: true,
      handle: async (account, _args, t) => {
        const given = await deps.consents.given(account.patientId);
        if (given.length === 0) return [{ text: t("consents.none") }];
        const timezone = await deps.preferences.timezone(account.patientId);
        const lines = given.map((c) =>
          t("consents.line", { name: t(`consents.kind.${c.kind}`), version: c.version, date: formatDateTime(c.givenAt, timezone, account.language) }),
        );
        const buttons = given.map((c) => [{ label: t("consents.withdraw_button", { name: t(`consents.kind.${c.kind}`) }), data: `consents:withdraw:${c.kind}` }]);
        return [{ text: [t("consents.title"), ...lines].join("\n"), buttons }];
      },
    },
    buttons: {
      prefix: "consents",
      handle: async (account, data, t): Promise<OutgoingMessage[]> => {
        const [, action, rawKind] = data.split(":");
        if (action === "keep") return [{ text: t("consents.kept") }];
        const kind = consentKindSchema.safeParse(rawKind);
        if (!kind.success) return [];
        if (action === "withdraw") {
          return [{
            text: t("consents.withdraw_confirm"),
            buttons: [[{ label: t("consents.withdraw_yes"), data: `consents:confirm:${kind.data}` }, { label: t("consents.withdraw_no"), data: "consents:keep:-" }]],
          }];
        }
        if (action !== "confirm") return [];
        const withdrawn = await deps.consents.withdraw(account.patientId, kind.data);
        if (!withdrawn) return [{ text: t("consents.none") }];
        await deps.discardUnfinished(account.patientId);
        const consents = await deps.consents.forPatient(account.patientId, account.language);
        return [{ text: t("consents.withdrawn") }, consents.ask(consents.missing()!, t)];
      },
    },
  };
}
