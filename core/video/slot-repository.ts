import { recordAudit, type AuditEntry } from "../audit/audit-log";
import { isUniqueViolation, type Db } from "../db/prisma";
import type { AppointmentView, Place, SlotKind } from "./slot-views";

export interface Slot extends Place {
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

const slotSelect = { id: true, doctorId: true, specialty: true, kind: true, room: true, address: true, startsAt: true, endsAt: true, cancelledAt: true } as const;
const appointmentSelect = { id: true, patientId: true, slotId: true, activeSlotId: true, status: true } as const;

const toSlot = <T extends { kind: string }>(row: T) => ({ ...row, kind: row.kind as SlotKind });

/** Slots (video and in person) and the appointments booked in them, in Postgres. */
export class SlotRepository {
  constructor(private readonly db: Db) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  async overlapsAnother(doctorId: string, startsAt: Date, endsAt: Date): Promise<boolean> {
    return (await this.db.videoSlot.count({ where: { doctorId, cancelledAt: null, startsAt: { lt: endsAt }, endsAt: { gt: startsAt } } })) > 0;
  }

  async createSlot(doctorId: string, slot: Omit<Slot, "id" | "doctorId" | "cancelledAt">): Promise<Slot> {
    return toSlot(await this.db.videoSlot.create({ data: { doctorId, ...slot }, select: slotSelect }));
  }

  async slot(slotId: string): Promise<Slot | undefined> {
    const row = await this.db.videoSlot.findUnique({ where: { id: slotId }, select: slotSelect });
    return row ? toSlot(row) : undefined;
  }

  /** The doctor's slots not cancelled and not over by `at`, with the appointment booked in each. */
  async slotsOf(doctorId: string, at: Date) {
    const rows = await this.db.videoSlot.findMany({
      where: { doctorId, cancelledAt: null, endsAt: { gt: at } },
      orderBy: { startsAt: "asc" },
      select: { ...slotSelect, activeAppointment: { select: { id: true } } },
    });
    return rows.map(({ activeAppointment, ...slot }) => ({ ...toSlot(slot), appointmentId: activeAppointment?.id }));
  }

  async freeSlots(specialty: string, kind: SlotKind, after: Date, limit: number): Promise<Slot[]> {
    const rows = await this.db.videoSlot.findMany({
      where: { specialty, kind, cancelledAt: null, startsAt: { gt: after }, activeAppointment: null },
      orderBy: { startsAt: "asc" },
      take: limit,
      select: slotSelect,
    });
    return rows.map(toSlot);
  }

  async appointment(appointmentId: string): Promise<(Appointment & { kind: SlotKind }) | undefined> {
    const row = await this.db.appointment.findUnique({ where: { id: appointmentId }, select: { ...appointmentSelect, slot: { select: { kind: true } } } });
    if (!row) return undefined;
    const { slot, ...appointment } = row;
    return { ...appointment, kind: slot.kind as SlotKind };
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

  async consultationSpecialty(consultationId: string): Promise<string | undefined> {
    return (await this.db.consultation.findUnique({ where: { id: consultationId }, select: { specialty: true } }))?.specialty;
  }

  /** The patient's appointments still booked, soonest first. */
  async appointmentsOf(patientId: string): Promise<AppointmentView[]> {
    const rows = await this.db.appointment.findMany({
      where: { patientId, status: "booked", activeSlotId: { not: null } },
      select: { ...appointmentSelect, slot: { select: { startsAt: true, specialty: true, kind: true, room: true, address: true } } },
      orderBy: { slot: { startsAt: "asc" } },
    });
    return rows.map(({ slot, activeSlotId: _a, ...row }) => ({ ...row, ...toSlot(slot) }));
  }
}
