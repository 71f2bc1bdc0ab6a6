import { z } from "zod";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";
import type { SlotRepository } from "./slot-repository";

export const slotSchema = z
  .object({ specialty: z.string().trim().min(1).max(50), startsAt: z.coerce.date(), endsAt: z.coerce.date() })
  .refine((s) => s.endsAt > s.startsAt, { message: "endsAt must be after startsAt", path: ["endsAt"] });

export interface SlotView {
  id: string;
  doctorId: string;
  specialty: string;
  startsAt: Date;
  endsAt: Date;
  booked: boolean;
  appointmentId?: string;
}

export interface AppointmentView {
  id: string;
  slotId: string;
  startsAt: Date;
  specialty: string;
  status: string;
}

/**
 * Scheduled video appointments. Double booking is refused by the database: an active appointment holds
 * its slot id in a unique column (`Appointment.activeSlotId`), so two patients racing for one slot cannot
 * both commit, whatever the code above it does.
 */
export class SlotBooking {
  constructor(private readonly deps: { repo: SlotRepository; now?: () => Date }) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  async publish(doctor: Doctor, input: z.input<typeof slotSchema>): Promise<SlotView> {
    const slot = slotSchema.parse(input);
    if (await this.deps.repo.overlapsAnother(doctor.id, slot.startsAt, slot.endsAt)) throw new AppError("conflict", "the slot overlaps another of your slots");
    const row = await this.deps.repo.createSlot(doctor.id, slot);
    return { id: row.id, doctorId: row.doctorId, specialty: row.specialty, startsAt: row.startsAt, endsAt: row.endsAt, booked: false };
  }

  async slotsOf(doctor: Doctor): Promise<SlotView[]> {
    const rows = await this.deps.repo.slotsOf(doctor.id, this.now());
    return rows.map(({ cancelledAt: _c, appointmentId, ...row }) => ({ ...row, booked: appointmentId !== undefined, appointmentId }));
  }

  /** Free future slots of a specialty, soonest first. */
  async freeSlots(specialty: string, limit = 6): Promise<SlotView[]> {
    const rows = await this.deps.repo.freeSlots(specialty, this.now(), limit);
    return rows.map((row) => ({ id: row.id, doctorId: row.doctorId, specialty: row.specialty, startsAt: row.startsAt, endsAt: row.endsAt, booked: false }));
  }

  async book(patient: { patientId: string; accountId: string }, slotId: string): Promise<AppointmentView> {
    const slot = await this.freeSlot(slotId);
    const row = await this.deps.repo.holdSlot(slotId, { patientId: patient.patientId, accountId: patient.accountId });
    if (!row) throw new AppError("conflict", "the slot has just been taken");
    await this.audit(patient.patientId, "appointment.book", row.id, slotId);
    return { id: row.id, slotId, startsAt: slot.startsAt, specialty: slot.specialty, status: row.status };
  }

  async move(patientId: string, appointmentId: string, slotId: string): Promise<AppointmentView> {
    const appointment = await this.active(patientId, appointmentId);
    const slot = await this.freeSlot(slotId);
    const row = await this.deps.repo.holdSlot(slotId, { appointmentId: appointment.id });
    if (!row) throw new AppError("conflict", "the slot has just been taken");
    await this.audit(patientId, "appointment.move", row.id, slotId);
    return { id: row.id, slotId, startsAt: slot.startsAt, specialty: slot.specialty, status: row.status };
  }

  async cancel(patientId: string, appointmentId: string): Promise<void> {
    const appointment = await this.active(patientId, appointmentId);
    await this.deps.repo.cancelAppointment(appointment.id, this.now());
    await this.audit(patientId, "appointment.cancel", appointment.id, appointment.slotId);
  }

  async appointmentsOf(patientId: string): Promise<AppointmentView[]> {
    const rows = await this.deps.repo.appointmentsOf(patientId);
    return rows.map((r) => ({ id: r.id, slotId: r.slotId, startsAt: r.startsAt, specialty: r.specialty, status: r.status }));
  }

  private async freeSlot(slotId: string) {
    const slot = await this.deps.repo.slot(slotId);
    if (!slot || slot.cancelledAt || slot.startsAt <= this.now()) throw notFound("slot");
    return slot;
  }

  private async active(patientId: string, appointmentId: string) {
    const appointment = await this.deps.repo.appointment(appointmentId);
    if (!appointment || appointment.patientId !== patientId || appointment.activeSlotId === null) throw notFound("appointment");
    return appointment;
  }

  private async audit(patientId: string, action: string, appointmentId: string, slotId: string) {
    await this.deps.repo.audit({ actor: { type: "patient", id: patientId }, action, entityType: "appointment", entityId: appointmentId, meta: { slotId } });
  }
}
