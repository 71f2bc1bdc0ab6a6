import type { TFunction } from "i18next";
import { DateTime } from "luxon";
import type { OutgoingMessage } from "../channels/channel";
import { matchLanguage, translator } from "../i18n";
import type { Outbox } from "../outbox/outbox";
import type { DueReminder, ReminderSettings } from "./reminder";
import type { ReminderRepository } from "./reminder-repository";
import { afterQuietHours, plannedDoses } from "./schedule";

/** The renew button under a dose of a signed prescription, answered by core/renewals/renewal-dialogue.ts. */
const renewButtonData = (scheduleId: string) => `rnw:s:${scheduleId}`;

const shiftDate = (date: string, days: number) => DateTime.fromISO(date, { zone: "utc" }).plus({ days }).toISODate()!;

/** The reminder scheduler's work, run by workers/reminders.worker.ts: write the coming doses, mark missed ones, send what is due. */
export class ReminderDispatch {
  constructor(
    private readonly repo: ReminderRepository,
    private readonly outbox: Outbox,
    private readonly settings: ReminderSettings,
  ) {}

  /** Writes the medication doses of the coming hours and the rating requests of recently closed consultations. */
  async materialize(now: Date): Promise<number> {
    const today = now.toISOString().slice(0, 10);
    // A day of slack either side: the dates are local to zones up to ±14 h from UTC.
    const schedules = await this.repo.schedulesBetween(shiftDate(today, -1), shiftDate(today, 2));
    let created = 0;
    const to = new Date(now.getTime() + this.settings.horizonHours * 3600_000);
    for (const schedule of schedules) {
      // Doses due before the schedule existed, or long past (the scheduler was down), are not sent late.
      const from = new Date(Math.max(schedule.createdAt.getTime(), now.getTime() - 3600_000));
      const doses = plannedDoses({ ...schedule, timezone: schedule.timezone ?? schedule.patientTimezone }, from, to);
      created += await this.repo.createOccurrences(
        doses.map((dose) => ({
          idempotencyKey: `med-${schedule.id}-${dose.localKey}`,
          kind: "medication" as const,
          patientId: schedule.patientId,
          scheduleId: schedule.id,
          consultationId: schedule.consultationId,
          payload: { localTime: dose.localKey.slice(11) },
          dueAt: dose.dueAt,
          sendAt: dose.dueAt,
        })),
      );
    }
    const closed = await this.repo.recentlyClosedConsultations(new Date(now.getTime() - 48 * 3600_000), 1000);
    created += await this.repo.createOccurrences(
      closed.map((c) => ({
        idempotencyKey: `rating-${c.id}`,
        kind: "rating" as const,
        patientId: c.patientId,
        consultationId: c.id,
        payload: { number: c.number },
        dueAt: now,
        sendAt: now,
      })),
    );
    return created;
  }

  /** Doses nobody confirmed within their window become missed, for the doctor to see. */
  markMissed(now: Date): Promise<number> {
    return this.repo.markMissed(now);
  }

  /**
   * Turns due occurrences into outbox messages, oldest first and one patient's in order: one statement writes the
   * whole batch (ReminderRepository.queueMessages). Returns how many were handled (sent, postponed or cancelled) so
   * the caller can loop while a batch comes back full.
   */
  async dispatchDue(now: Date, batch = 500): Promise<{ handled: number; sent: number }> {
    const due = await this.repo.due(now, batch);
    // A patient who withdrew consent gets no reminders: the doses due meanwhile are cancelled, later ones go out
    // again once they consent again (152-FZ art. 9).
    const stopped = await this.repo.consentWithdrawn(due.map((row) => row.patientId));
    const cancelled = due.filter((row) => stopped.has(row.patientId)).map((row) => row.id);
    const toSend: Parameters<ReminderRepository["queueMessages"]>[0] = [];
    for (const row of due) {
      if (stopped.has(row.patientId)) continue;
      const decision = await this.decide(row, now);
      if (decision === "cancel") cancelled.push(row.id);
      else if (decision) toSend.push(decision);
    }
    if (cancelled.length) await this.repo.transition({ ids: cancelled }, "scheduled", "cancelled");
    const outboxIds = await this.repo.queueMessages(toSend, now);
    // After the commit: a dispatch lost here is picked up by the outbox sweep, the row being pending.
    for (let i = 0; i < outboxIds.length; i += 50) await Promise.all(outboxIds.slice(i, i + 50).map((id) => this.outbox.dispatch(id)));
    return { handled: due.length, sent: outboxIds.length };
  }

  /** What to do with one due occurrence: its outbox row, a cancellation, or nothing now (postponed past quiet hours). */
  private async decide(row: DueReminder, now: Date) {
    const timezone = row.schedule?.timezone ?? row.patient.timezone;
    const payload = row.payload as Record<string, string | number>;
    const later = afterQuietHours(now, timezone, row.patient.quietHours);
    const startsAt = row.kind === "appointment" ? new Date(String(payload.startsAt)) : undefined;
    if (later > now) {
      // Quiet hours: an appointment reminder that would arrive after the appointment is dropped instead.
      if (startsAt && later >= startsAt) return "cancel" as const;
      await this.repo.postpone(row.id, later);
      return undefined;
    }
    const accountId = row.patient.accountId;
    if (!accountId) return "cancel" as const;
    const language = matchLanguage(row.patient.language) ?? "ru";
    const message = buildMessage(row, translator(language, "reminders"), language, timezone, this.settings.snoozeMinutes);
    const respondBy = row.kind === "medication" ? new Date(now.getTime() + (row.schedule?.missedAfterMinutes ?? 120) * 60_000) : null;
    return { occurrenceId: row.id, accountId, payload: this.outbox.validated(message), respondBy };
  }
}

function buildMessage(row: DueReminder, t: TFunction, language: string, timezone: string, snoozeMinutes: number): OutgoingMessage {
  const payload = row.payload as Record<string, string | number>;
  switch (row.kind) {
    case "medication":
      return {
        text: t("medication.due", { medicine: row.schedule?.medicine, dose: row.schedule?.dose, time: payload.localTime }),
        buttons: [
          [
            { label: t("buttons.taken"), data: `rem:t:${row.id}` },
            { label: t("buttons.snooze", { count: snoozeMinutes }), data: `rem:s:${row.id}` },
          ],
          // A dose of a signed prescription: the patient may ask its doctor to renew it (core/renewals).
          ...(row.scheduleId && row.schedule?.prescriptionRef?.startsWith("rx:")
            ? [[{ label: t("renewals:buttons.renew"), data: renewButtonData(row.scheduleId) }]]
            : []),
        ],
      };
    case "appointment": {
      const at = DateTime.fromISO(String(payload.startsAt), { zone: timezone }).setLocale(language);
      const values = { date: at.toLocaleString(DateTime.DATE_FULL), time: at.toFormat("HH:mm"), room: payload.room, address: payload.address };
      const key = `${payload.place === "in_person" ? "in_person" : "appointment"}.${payload.lead === "1h" ? "in_hour" : "in_day"}`;
      return { text: t(key, values) };
    }
    case "follow_up":
      return {
        text: t("follow_up.ask", { question: payload.question }),
        buttons: [
          (["better", "same", "worse"] as const).map((answer) => ({
            label: t(`follow_up.answers.${answer}`),
            data: `rem:f:${row.id}:${answer}`,
          })),
        ],
      };
    default:
      return {
        text: t("rating.ask", { number: payload.number }),
        buttons: [
          [0, 1, 2, 3, 4, 5].map((n) => ({ label: String(n), data: `rem:r:${row.id}:${n}` })),
          [6, 7, 8, 9, 10].map((n) => ({ label: String(n), data: `rem:r:${row.id}:${n}` })),
        ],
      };
  }
}
