import type { z } from "zod";
import type { Actor } from "../audit/audit-log";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import type { Appointment, Slot, SlotRepository } from "./slot-repository";
import { slotSchema, type AppointmentView, type SlotKind, type SlotView } from "./slot-views";

/** The reminders a booking carries (24 h and 1 h before, core/reminders): created, re-timed and removed with it. */
export interface AppointmentReminders {
  scheduleAppointment(appointment: AppointmentView, actor: Actor): Promise<unknown>;
  cancelAppointmentReminders(patientId: string, appointmentId: string): Promise<void>;
}

/**
 * Scheduled appointments, by video or in person. Double booking is refused by the database: an active appointment
 * holds its slot id in a unique column (`Appointment.activeSlotId`), so two patients racing for one slot cannot
 * both commit, whatever the code above it does. Booking, moving and cancelling keep the reminders in step, so no
 * other caller has to.
 */
export class SlotBooking {
  constructor(private readonly deps: { repo: SlotRepository; reminders: AppointmentReminders; now?: () => Date }) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  async publish(doctor: Doctor, input: z.input<typeof slotSchema>): Promise<SlotView> {
    const slot = slotSchema.parse(input);
    if (await this.deps.repo.overlapsAnother(doctor.id, slot.startsAt, slot.endsAt)) throw new AppError("conflict", "the slot overlaps another of your slots");
    const row = await this.deps.repo.createSlot(doctor.id, { ...slot, room: slot.room ?? null, address: slot.address ?? null });
    const { cancelledAt: _c, ...view } = row;
    return { ...view, booked: false };
  }

  async slotsOf(doctor: Doctor): Promise<SlotView[]> {
    const rows = await this.deps.repo.slotsOf(doctor.id, this.now());
    return rows.map(({ cancelledAt: _c, appointmentId, ...row }) => ({ ...row, booked: appointmentId !== undefined, appointmentId }));
  }

  /** Free future slots of a specialty and kind, soonest first. */
  async freeSlots(specialty: string, kind: SlotKind = "video", limit = 6): Promise<SlotView[]> {
    const rows = await this.deps.repo.freeSlots(specialty, kind, this.now(), limit);
    return rows.map(({ cancelledAt: _c, ...row }) => ({ ...row, booked: false }));
  }

  async book(patient: { patientId: string; accountId: string }, slotId: string): Promise<AppointmentView> {
    const slot = await this.freeSlot(slotId);
    const row = await this.deps.repo.holdSlot(slotId, { patientId: patient.patientId, accountId: patient.accountId });
    if (!row) throw new AppError("conflict", "the slot has just been taken");
    return this.booked("appointment.book", slot, row);
  }

  async move(patientId: string, appointmentId: string, slotId: string): Promise<AppointmentView> {
    const appointment = await this.active(patientId, appointmentId);
    const slot = await this.freeSlot(slotId);
    if (slot.kind !== appointment.kind) throw notFound("slot");
    const row = await this.deps.repo.holdSlot(slotId, { appointmentId: appointment.id });
    if (!row) throw new AppError("conflict", "the slot has just been taken");
    return this.booked("appointment.move", slot, row);
  }

  async cancel(patientId: string, appointmentId: string): Promise<void> {
    const appointment = await this.active(patientId, appointmentId);
    await this.deps.repo.cancelAppointment(appointment.id, this.now());
    await this.deps.reminders.cancelAppointmentReminders(patientId, appointment.id);
    await this.audit(patientId, "appointment.cancel", appointment.id, appointment.slotId);
  }

  /** The patient's appointments still to come (booked, not attended), soonest first. */
  async appointmentsOf(patientId: string): Promise<AppointmentView[]> {
    return this.deps.repo.appointmentsOf(patientId);
  }

  private async booked(action: string, slot: Slot, row: Appointment): Promise<AppointmentView> {
    const { id: slotId, startsAt, specialty, kind, room, address } = slot;
    const view: AppointmentView = { id: row.id, patientId: row.patientId, slotId, startsAt, specialty, status: row.status, kind, room, address };
    await this.deps.reminders.scheduleAppointment(view, { type: "patient", id: view.patientId });
    await this.audit(view.patientId, action, view.id, slotId);
    return view;
  }

  private async freeSlot(slotId: string) {
    const slot = await this.deps.repo.slot(slotId);
    if (!slot || slot.cancelledAt || slot.startsAt <= this.now()) throw notFound("slot");
    return slot;
  }

  private async active(patientId: string, appointmentId: string) {
    const appointment = await this.deps.repo.appointment(appointmentId);
    if (!appointment || appointment.patientId !== patientId || appointment.activeSlotId === null || appointment.status !== "booked") throw notFound("appointment");
    return appointment;
  }

  private async audit(patientId: string, action: string, appointmentId: string, slotId: string) {
    await this.deps.repo.audit({ actor: { type: "patient", id: patientId }, action, entityType: "appointment", entityId: appointmentId, meta: { slotId } });
  }
}
