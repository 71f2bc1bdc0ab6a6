import type { TFunction } from "i18next";
import { z } from "zod";
import type { OutgoingMessage } from "../channels/channel";
import type { ButtonHandler, CommandHandler } from "../dialogue/handlers";
import { AppError } from "../errors";
import { translator } from "../i18n";
import type { PatientAccount } from "../patients/patient-repository";
import { medicinesText } from "./renewal-eligibility";
import type { RenewalVia } from "./renewal";
import type { RenewalRequests } from "./renewal-requests";

/** `rnw:p:<protocolId>` from the `/renew` list, `rnw:s:<scheduleId>` from a medication reminder. */
const buttonSchema = z
  .string()
  .regex(/^rnw:[ps]:[0-9a-f-]{36}$/)
  .transform((d) => ({ from: d[4] === "p" ? ("protocol" as const) : ("schedule" as const), id: d.slice(6) }));

/** `/renew` and its buttons, the same in every messenger: the dialogue is written once (STYLE.md). */
export function renewalDialogue(requests: RenewalRequests): { command: CommandHandler; buttons: ButtonHandler } {
  const ask = async (account: PatientAccount, protocolId: string, via: RenewalVia, t: TFunction): Promise<OutgoingMessage[]> => {
    try {
      const { created, items } = await requests.request(account.patientId, protocolId, via);
      return [{ text: t(created ? "requested" : "already", { medicines: medicinesText(items) }) }];
    } catch (error) {
      return [{ text: refusal(error, t) }];
    }
  };

  return {
    command: {
      command: "renew",
      async handle(account) {
        const t = translator(account.language, "renewals");
        const active = await requests.active(account.patientId);
        if (!active.length) return [{ text: t("none") }];
        if (active.length === 1) return ask(account, active[0]!.id, "command", t);
        return [
          {
            text: t("choose"),
            buttons: active.map((p) => [{ label: t("option", { medicines: medicinesText(p.items), number: p.consultationNumber }).slice(0, 64), data: `rnw:p:${p.id}` }]),
          },
        ];
      },
    },
    buttons: {
      prefix: "rnw",
      requiresConsent: true,
      async handle(account, data) {
        const t = translator(account.language, "renewals");
        const parsed = buttonSchema.safeParse(data);
        if (!parsed.success) return [];
        if (parsed.data.from === "protocol") return ask(account, parsed.data.id, "command", t);
        try {
          const prescription = await requests.fromSchedule(account.patientId, parsed.data.id);
          return ask(account, prescription.id, "reminder", t);
        } catch (error) {
          return [{ text: refusal(error, t) }];
        }
      },
    },
  };
}

/** What the patient reads when the api refuses: a too old in-person visit, or a prescription no longer current. */
function refusal(error: unknown, t: TFunction): string {
  if (!(error instanceof AppError)) throw error;
  if (error.code === "in_person_visit_outdated") {
    const { lastVisitAt, maxAgeDays } = error.details as { lastVisitAt: string | null; maxAgeDays: number };
    return lastVisitAt ? t("visit_outdated", { date: lastVisitAt.slice(0, 10), days: maxAgeDays }) : t("visit_missing");
  }
  if (error.code === "conflict" || error.code === "not_found") return t("not_active");
  throw error;
}
