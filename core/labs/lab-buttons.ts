import type { ButtonHandler } from "../dialogue/handlers";
import { translator } from "../i18n";
import type { LabService } from "./lab-service";

/** Buttons `lab:<order number>:<lab id>` sent with a new lab order. */
export function labButtons(labs: LabService): ButtonHandler {
  return {
    prefix: "lab",
    async handle(account, data) {
      const t = translator(account.language, "monitoring");
      const match = /^lab:(\d+):([a-z0-9_-]+)$/.exec(data);
      if (!match) return [];
      const outcome = await labs.chooseLab(account.patientId, Number(match[1]), match[2]!);
      if (outcome === "unknown") return [{ text: t("lab.unknown") }];
      if (outcome === "already") return [{ text: t("lab.already_chosen") }];
      return [{ text: t("lab.chosen", { number: outcome.number, lab: outcome.labName }) }];
    },
  };
}
