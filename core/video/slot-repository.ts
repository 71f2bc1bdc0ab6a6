import { recordAudit, type AuditEntry } from "../audit/audit-log";
import { isUniqueViolation, type Db } from "../db/prisma";

export interface Slot {
  id: string;
  doctorId: string;
  specialty: string;
  startsAt: Date;
  endsAt: Date;
  cancelledAt: Date | null;
}

export interface Appointment {
  id: string;
  patientId: string;
  slotId: string;
  activeSlotId: string | null;
  status: string;
}

const slotSelect = { id: true, doctorId: true, specialty: true, startsAt: true, endsAt: true, cancelledAt: true } as const;
const appointmentSelect = { id: true, patientId: true, slotId: true, activeSlotId: true, status: true } as const;

/** Video slots and the appointments booked in them, in Postgres. */
export class SlotRepository {
  constructor(private readonly db: Db) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  async overlapsAnother(doctorId: string, startsAt: Date, endsAt: Date): Promise<boolean> {
    return (await this.db.videoSlot.count({ where: { doctorId, cancelledAt: null, startsAt: { lt: endsAt }, endsAt: { gt: startsAt } } })) > 0;
  }

  createSlot(doctorId: string, slot: { specialty: string; startsAt: Date; endsAt: Date }): Promise<Slot> {
    return this.db.videoSlot.create({ data: { doctorId, ...slot }, select: slotSelect });
  }

  async slot(slotId: string): Promise<Slot | undefined> {
    return (await this.db.videoSlot.findUnique({ where: { id: slotId }, select: slotSelect })) ?? undefined;
  }

  /** The doctor's slots not cancelled and not over by `at`, with the appointment booked in each. */
  async slotsOf(doctorId: string, at: Date) {
    const rows = await this.db.videoSlot.findMany({
      where: { doctorId, cancelledAt: null, endsAt: { gt: at } },
      orderBy: { startsAt: "asc" },
      select: { ...slotSelect, activeAppointment: { select: { id: true } } },
    });
    return rows.map(({ activeAppointment, ...slot }) => ({ ...slot, appointmentId: activeAppointment?.id }));
  }

  freeSlots(specialty: string, after: Date, limit: number): Promise<Slot[]> {
    return this.db.videoSlot.findMany({
      where: { specialty, cancelledAt: null, startsAt: { gt: after }, activeAppointment: null },
      orderBy: { startsAt: "asc" },
      take: limit,
      select: slotSelect,
    });
  }

  async appointment(appointmentId: string): Promise<Appointment | undefined> {
    return (await this.db.appointment.findUnique({ where: { id: appointmentId }, select: appointmentSelect })) ?? undefined;
  }

  /** Books (or moves an appointment to) a slot; undefined when the slot was taken meanwhile (the unique active slot). */
  async holdSlot(slotId: string, booking: { patientId: string; accountId: string } | { appointmentId: string }): Promise<Appointment | undefined> {
    try {
      // A transaction of its own (a savepoint inside a dialogue step, core/db/unit-of-work.ts): a taken slot fails
      // only this statement, and the step goes on to say so.
      return await this.db.$transaction((tx) =>
        "appointmentId" in booking
          ? tx.appointment.update({ where: { id: booking.appointmentId }, data: { slotId, activeSlotId: slotId }, select: appointmentSelect })
          : tx.appointment.create({ data: { ...booking, slotId, activeSlotId: slotId }, select: appointmentSelect }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async cancelAppointment(appointmentId: string, at: Date): Promise<void> {
    await this.db.appointment.update({ where: { id: appointmentId }, data: { activeSlotId: null, status: "cancelled", cancelledAt: at } });
  }

  /** The patient's appointments still holding a slot, soonest first. */
  async appointmentsOf(patientId: string) {
    const rows = await this.db.appointment.findMany({
      where: { patientId, activeSlotId: { not: null } },
      select: { ...appointmentSelect, slot: { select: { startsAt: true, specialty: true } } },
      orderBy: { slot: { startsAt: "asc" } },
    });
    return rows.map(({ slot, ...row }) => ({ ...row, startsAt: slot.startsAt, specialty: slot.specialty }));
  }
}
