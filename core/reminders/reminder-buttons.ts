import { z } from "zod";
import type { OutgoingMessage } from "../channels/channel";
import type { ButtonHandler } from "../dialogue/handlers";
import { translator } from "../i18n";
import type { PatientAccount } from "../patients/patient-repository";
import type { ReminderAnswers } from "./reminder-answers";

/** `rem:t:<id>` taken, `rem:s:<id>` snooze, `rem:f:<id>:<answer>` follow-up answer, `rem:r:<id>:<0-10>` rating. */
const reminderButtonSchema = z.union([
  z.string().regex(/^rem:[ts]:[0-9a-f-]{36}$/).transform((d) => ({ action: d[4] as "t" | "s", id: d.slice(6) })),
  z
    .string()
    .regex(/^rem:f:[0-9a-f-]{36}:(better|same|worse)$/)
    .transform((d) => ({ action: "f" as const, id: d.slice(6, 42), answer: d.slice(43) as "better" | "same" | "worse" })),
  z
    .string()
    .regex(/^rem:r:[0-9a-f-]{36}:(10|[0-9])$/)
    .transform((d) => ({ action: "r" as const, id: d.slice(6, 42), score: Number(d.slice(43)) })),
]);

/** The patient's answers to reminders, from any messenger. A button of someone else's reminder does nothing. */
export function reminderButtons(reminders: ReminderAnswers): ButtonHandler {
  return {
    prefix: "rem",
    async handle(account: PatientAccount, data: string): Promise<OutgoingMessage[]> {
      const t = translator(account.language, "reminders");
      const parsed = reminderButtonSchema.safeParse(data);
      if (!parsed.success) return [];
      const button = parsed.data;
      const stale = [{ text: t("stale") }];
      switch (button.action) {
        case "t": {
          const taken = await reminders.markTaken(account.patientId, button.id);
          if (!taken?.changed) return stale;
          return [{ text: t("medication.taken", { medicine: taken.medicine }) }];
        }
        case "s": {
          const result = await reminders.snooze(account.patientId, button.id);
          if (result.snoozed) return [{ text: t("medication.snoozed", { count: reminders.snoozeMinutes }) }];
          return result.reason === "limit" ? [{ text: t("medication.snooze_limit") }] : stale;
        }
        case "f": {
          const payload = await reminders.occurrencePayload(account.patientId, button.id);
          if (!payload) return stale;
          const text = t("follow_up.answer_record", { question: payload.question, answer: t(`follow_up.answers.${button.answer}`) });
          const ok = await reminders.answerFollowUp(account.patientId, button.id, text);
          return ok ? [{ text: t("follow_up.thanks") }] : stale;
        }
        case "r": {
          const ok = await reminders.rate(account.patientId, button.id, button.score);
          return ok ? [{ text: t("rating.thanks") }] : stale;
        }
      }
    },
  };
}
