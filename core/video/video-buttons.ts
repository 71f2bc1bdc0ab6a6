import type { TFunction } from "i18next";
import type { OutgoingMessage } from "../channels/channel";
import type { ButtonHandler, CommandHandler } from "../dialogue/handlers";
import { AppError } from "../errors";
import { translator } from "../i18n";
import { uncoveredText } from "../rota/uncovered-reply";
import type { PatientAccount } from "../patients/patient-repository";
import type { Recordings } from "./recording";
import { longId, shortId } from "./short-id";
import type { AppointmentView, SlotView } from "./slot-views";
import type { SlotBooking } from "./slots";
import type { VideoRepository } from "./video-repository";
import type { VideoService } from "./video-service";
import type { QueueStatus, RequestOutcome } from "./waiting-queue";

type Deps = { repo: VideoRepository; video: VideoService; slots: SlotBooking; recordings: Recordings };

/**
 * The patient's side of video consultations in the messenger, for the dialogue: the intake's format choice
 * calls `requestNow` / `offerSlots`; the buttons below (`video:…`) carry the rest.
 */
export class VideoPatientFlow {
  constructor(private readonly deps: Deps) {}

  private t(account: PatientAccount): TFunction {
    return translator(account.language, "video");
  }

  /**
   * "Video now": enter the queue — or, when nobody who speaks the patient's language is on duty, say so and offer
   * what there is. `withInterpreter`: the patient chose the Russian-speaking doctor with an interpreter already.
   */
  async requestNow(account: PatientAccount, specialty = "gp", consultationId?: string, withInterpreter = false): Promise<OutgoingMessage[]> {
    const { queue } = this.deps.video;
    const outcome = await queue.requestVideo({ patientId: account.patientId, accountId: account.accountId, specialty, consultationId });
    if (withInterpreter && outcome.kind === "uncovered" && outcome.duty.withInterpreter) {
      return [queueMessage(this.t(account), await queue.chooseRoute(account.patientId, outcome.visitId, "interpreter"))];
    }
    return [await this.outcomeMessage(account, outcome)];
  }

  /**
   * After a written question is opened (the intake's format choice): nothing when a doctor who speaks the patient's
   * language is on duty, or when the clinic plans no shifts for the specialty; else when one will be, and a video
   * call with an interpreter when one is possible now. An urgent question is not held: it is open to every doctor
   * of its specialty (core/consultations).
   */
  async writtenQuestion(account: PatientAccount, consultationId: string, urgent: boolean): Promise<OutgoingMessage[]> {
    const specialty = await this.deps.repo.consultationSpecialty(account.patientId, consultationId);
    if (!specialty) return [];
    const duty = await this.deps.video.queue.dutyFor({ specialty, language: account.language });
    if (duty.covered || !duty.rota) return [];
    const where = { timezone: await this.timezone(account), language: account.language };
    const bot = translator(account.language);
    if (urgent) return [{ text: uncoveredText(bot, duty, "urgent_written", where) }];
    const video = [[{ label: this.t(account)("buttons.video_interpreter"), data: `video:now:${shortId(consultationId)}` }]];
    return [{ text: uncoveredText(bot, duty, "written", where), buttons: duty.withInterpreter ? video : undefined }];
  }

  /** "Scheduled": the next free slots as buttons, or the patient's current bookings with move/cancel. */
  async offerSlots(account: PatientAccount, specialty = "gp"): Promise<OutgoingMessage[]> {
    const t = this.t(account);
    const booked = await this.deps.slots.appointmentsOf(account.patientId);
    const messages: OutgoingMessage[] = [];
    const timezone = await this.timezone(account);
    for (const appointment of booked) messages.push(this.appointmentMessage(t, appointment, timezone, account.language));
    const free = await this.deps.slots.freeSlots(specialty);
    if (free.length === 0) messages.push({ text: t("slots.none") });
    else messages.push({ text: t("slots.choose"), buttons: this.slotButtons(t, free, timezone, account.language, (s) => `video:book:${shortId(s.id)}`) });
    return messages;
  }

  /** `/visit`: the next free in-person slots (room in the label); booking them is the same `video:book` button. */
  async offerInPerson(account: PatientAccount, specialty = "gp"): Promise<OutgoingMessage[]> {
    const t = this.t(account);
    return [await this.inPersonChoice(t, account.patientId, account.language, specialty, { some: "slots.choose_in_person", none: "slots.none" })];
  }

  /** The free in-person slots as buttons, with `texts` saying why (a referral, or the patient asked). */
  async inPersonChoice(t: TFunction, patientId: string, language: string, specialty: string, texts: { some: string; none: string }, values = {}): Promise<OutgoingMessage> {
    const free = await this.deps.slots.freeSlots(specialty, "in_person");
    if (free.length === 0) return { text: t(texts.none, values) };
    const timezone = await this.timezoneOf(patientId);
    return { text: t(texts.some, values), buttons: this.slotButtons(t, free, timezone, language, (s) => `video:book:${shortId(s.id)}`) };
  }

  private async outcomeMessage(account: PatientAccount, outcome: RequestOutcome): Promise<OutgoingMessage> {
    const t = this.t(account);
    if (outcome.kind === "queued") return queueMessage(t, outcome);
    if (outcome.kind === "already") return { text: t("already", { status: t(`status.${outcome.status}`) }) };
    const where = { timezone: await this.timezone(account), language: account.language };
    const bot = translator(account.language);
    if (outcome.kind === "urgent_any_language") {
      const queued = queueMessage(t, outcome);
      return { ...queued, text: `${uncoveredText(bot, outcome.duty, "urgent_video", where)}\n\n${queued.text}` };
    }
    const { duty } = outcome;
    const sid = shortId(outcome.visitId);
    // Waiting is offered only with the time it ends: a shift in the patient's language is planned within the week.
    return {
      text: uncoveredText(bot, duty, "video", where),
      buttons: [
        ...(duty.withInterpreter ? [[{ label: t("buttons.interpreter"), data: `video:int:${sid}` }]] : []),
        [{ label: t("buttons.written"), data: `video:write:${sid}` }],
        ...(duty.nextShift ? [[{ label: t("buttons.wait_language"), data: `video:wait:${sid}` }]] : []),
        [{ label: t("buttons.leave"), data: `video:leave:${sid}` }],
      ],
    };
  }

  readonly buttons: ButtonHandler = {
    prefix: "video",
    handle: async (account, data) => {
      const t = this.t(account);
      try {
        return await this.press(account, data, t);
      } catch (error) {
        if (error instanceof AppError && (error.code === "not_found" || error.code === "conflict")) {
          return [{ text: t(error.code === "not_found" ? "errors.gone" : "errors.taken") }];
        }
        throw error;
      }
    },
  };

  readonly commands: CommandHandler[] = [
    { command: "video", handle: (account, args) => this.requestNow(account, args.trim() || "gp") },
    { command: "appointments", handle: (account, args) => this.offerSlots(account, args.trim() || "gp") },
    { command: "visit", handle: (account, args) => this.offerInPerson(account, args.trim() || "gp") },
  ];

  private async press(account: PatientAccount, data: string, t: TFunction): Promise<OutgoingMessage[]> {
    const [, action, a, b] = data.split(":");
    const first = a ? longId(a) : undefined;
    if (!action || !first) return [];
    switch (action) {
      case "leave":
        return [{ text: t((await this.deps.video.queue.leave(account.patientId, first)) ? "left" : "errors.gone") }];
      case "write":
        return [{ text: t((await this.deps.video.queue.leave(account.patientId, first)) ? "written" : "errors.gone") }];
      case "now": {
        // From the written question's offer: the consultation's specialty, a Russian-speaking doctor with an interpreter.
        const specialty = await this.deps.repo.consultationSpecialty(account.patientId, first);
        return specialty ? this.requestNow(account, specialty, first, true) : [{ text: t("errors.gone") }];
      }
      case "int":
      case "wait":
        return [queueMessage(t, await this.deps.video.queue.chooseRoute(account.patientId, first, action === "int" ? "interpreter" : "wait"))];
      case "link": {
        const visit = await this.deps.video.queue.ownVisit(account.patientId, first);
        if (!["accepted", "in_call"].includes(visit.status)) return [{ text: t("errors.gone") }];
        await this.deps.video.calls.sendPatientLink(first);
        return [];
      }
      case "rec": {
        const agreed = b === "y";
        await this.deps.recordings.giveConsent(account.patientId, first, agreed);
        return [{ text: t(agreed ? "recording.given" : "recording.declined") }];
      }
      case "book": {
        const appointment = await this.deps.slots.book(account, first);
        return [this.appointmentMessage(t, appointment, await this.timezone(account), account.language, "slots.booked")];
      }
      case "cancel":
        await this.deps.slots.cancel(account.patientId, first);
        return [{ text: t("slots.cancelled") }];
      case "move": {
        const appointment = (await this.deps.slots.appointmentsOf(account.patientId)).find((x) => x.id === first);
        if (!appointment) return [{ text: t("errors.gone") }];
        const free = await this.deps.slots.freeSlots(appointment.specialty, appointment.kind);
        if (free.length === 0) return [{ text: t("slots.none") }];
        const timezone = await this.timezone(account);
        return [{ text: t("slots.choose_move"), buttons: this.slotButtons(t, free, timezone, account.language, (s) => `video:mv:${a}:${shortId(s.id)}`) }];
      }
      case "mv": {
        const slotId = b ? longId(b) : undefined;
        if (!slotId) return [];
        const appointment = await this.deps.slots.move(account.patientId, first, slotId);
        return [this.appointmentMessage(t, appointment, await this.timezone(account), account.language, "slots.moved")];
      }
      default:
        return [];
    }
  }

  private appointmentMessage(t: TFunction, appointment: AppointmentView, timezone: string, language: string, key = "slots.your"): OutgoingMessage {
    const sid = shortId(appointment.id);
    const { room, address } = appointment;
    // An in-person visit says where: the same message keys with `_in_person`.
    const text = appointment.kind === "in_person" ? `${key}_in_person` : key;
    return {
      text: t(text, { when: formatWhen(appointment.startsAt, timezone, language), room, address }),
      buttons: [[
        { label: t("buttons.move"), data: `video:move:${sid}` },
        { label: t("buttons.cancel"), data: `video:cancel:${sid}` },
      ]],
    };
  }

  private slotButtons(t: TFunction, slots: SlotView[], timezone: string, language: string, data: (s: SlotView) => string) {
    return slots.map((slot) => {
      const when = formatWhen(slot.startsAt, timezone, language);
      return [{ label: slot.kind === "in_person" ? t("slots.place", { when, room: slot.room }) : when, data: data(slot) }];
    });
  }

  private timezone(account: PatientAccount): Promise<string> {
    return this.timezoneOf(account.patientId);
  }

  private async timezoneOf(patientId: string): Promise<string> {
    return (await this.deps.repo.patientTimezone(patientId)) ?? "Europe/Moscow";
  }
}

export function queueMessage(t: TFunction, status: QueueStatus): OutgoingMessage {
  const text =
    status.minutes === undefined
      ? t("queue.position_unknown", { position: status.position })
      : status.range
        ? t("queue.position_range", { position: status.position, from: status.range.from, count: status.range.to })
        : t("queue.position", { position: status.position, count: status.minutes });
  return { text, buttons: [[{ label: t("buttons.leave"), data: `video:leave:${shortId(status.visitId)}` }]] };
}

export const formatWhen = (at: Date, timezone: string, language: string) =>
  new Intl.DateTimeFormat(language, { timeZone: timezone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }).format(at);
