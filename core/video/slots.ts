import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/prisma";
import { isUniqueViolation } from "../db/prisma";
import type { Doctor } from "../doctors/doctors";
import { AppError, notFound } from "../errors";

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
  constructor(private readonly deps: { db: Db; now?: () => Date }) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  async publish(doctor: Doctor, input: z.input<typeof slotSchema>): Promise<SlotView> {
    const slot = slotSchema.parse(input);
    const overlapping = await this.deps.db.videoSlot.count({
      where: { doctorId: doctor.id, cancelledAt: null, startsAt: { lt: slot.endsAt }, endsAt: { gt: slot.startsAt } },
    });
    if (overlapping) throw new AppError("conflict", "the slot overlaps another of your slots");
    const row = await this.deps.db.videoSlot.create({ data: { doctorId: doctor.id, ...slot } });
    return { id: row.id, doctorId: row.doctorId, specialty: row.specialty, startsAt: row.startsAt, endsAt: row.endsAt, booked: false };
  }

  async slotsOf(doctor: Doctor): Promise<SlotView[]> {
    const rows = await this.deps.db.videoSlot.findMany({
      where: { doctorId: doctor.id, cancelledAt: null, endsAt: { gt: this.now() } },
      orderBy: { startsAt: "asc" },
      include: { activeAppointment: { select: { id: true } } },
    });
    return rows.map(({ activeAppointment, cancelledAt: _c, createdAt: _d, ...row }) => ({
      ...row,
      booked: activeAppointment !== null,
      appointmentId: activeAppointment?.id,
    }));
  }

  /** Free future slots of a specialty, soonest first. */
  async freeSlots(specialty: string, limit = 6): Promise<SlotView[]> {
    const rows = await this.deps.db.videoSlot.findMany({
      where: { specialty, cancelledAt: null, startsAt: { gt: this.now() }, activeAppointment: null },
      orderBy: { startsAt: "asc" },
      take: limit,
    });
    return rows.map((row) => ({ id: row.id, doctorId: row.doctorId, specialty: row.specialty, startsAt: row.startsAt, endsAt: row.endsAt, booked: false }));
  }

  async book(patient: { patientId: string; accountId: string }, slotId: string): Promise<AppointmentView> {
    const slot = await this.freeSlot(slotId);
    try {
      const row = await this.deps.db.appointment.create({
        data: { patientId: patient.patientId, accountId: patient.accountId, slotId, activeSlotId: slotId },
      });
      await this.audit(patient.patientId, "appointment.book", row.id, slotId);
      return { id: row.id, slotId, startsAt: slot.startsAt, specialty: slot.specialty, status: row.status };
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("conflict", "the slot has just been taken");
      throw error;
    }
  }

  async move(patientId: string, appointmentId: string, slotId: string): Promise<AppointmentView> {
    const appointment = await this.active(patientId, appointmentId);
    const slot = await this.freeSlot(slotId);
    try {
      const row = await this.deps.db.appointment.update({
        where: { id: appointment.id },
        data: { slotId, activeSlotId: slotId },
      });
      await this.audit(patientId, "appointment.move", row.id, slotId);
      return { id: row.id, slotId, startsAt: slot.startsAt, specialty: slot.specialty, status: row.status };
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("conflict", "the slot has just been taken");
      throw error;
    }
  }

  async cancel(patientId: string, appointmentId: string): Promise<void> {
    const appointment = await this.active(patientId, appointmentId);
    await this.deps.db.appointment.update({
      where: { id: appointment.id },
      data: { activeSlotId: null, status: "cancelled", cancelledAt: this.now() },
    });
    await this.audit(patientId, "appointment.cancel", appointment.id, appointment.slotId);
  }

  async appointmentsOf(patientId: string): Promise<AppointmentView[]> {
    const rows = await this.deps.db.appointment.findMany({
      where: { patientId, activeSlotId: { not: null } },
      include: { slot: true },
      orderBy: { slot: { startsAt: "asc" } },
    });
    return rows.map((r) => ({ id: r.id, slotId: r.slotId, startsAt: r.slot.startsAt, specialty: r.slot.specialty, status: r.status }));
  }

  private async freeSlot(slotId: string) {
    const slot = await this.deps.db.videoSlot.findUnique({ where: { id: slotId } });
    if (!slot || slot.cancelledAt || slot.startsAt <= this.now()) throw notFound("slot");
    return slot;
  }

  private async active(patientId: string, appointmentId: string) {
    const appointment = await this.deps.db.appointment.findUnique({ where: { id: appointmentId } });
    if (!appointment || appointment.patientId !== patientId || appointment.activeSlotId === null) throw notFound("appointment");
    return appointment;
  }

  private async audit(patientId: string, action: string, appointmentId: string, slotId: string) {
    await recordAudit(this.deps.db, {
      actor: { type: "patient", id: patientId },
      action,
      entityType: "appointment",
      entityId: appointmentId,
      meta: { slotId },
    });
  }
}
