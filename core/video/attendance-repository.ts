import { recordAudit, type AuditEntry } from "../audit/audit-log";
import type { Db } from "../db/prisma";

/** An in-person appointment as the front desk sees it. */
export interface InPersonBooking {
  id: string;
  patientId: string;
  doctorName: string;
  specialty: string;
  startsAt: Date;
  room: string | null;
  address: string | null;
  status: string;
  attendedAt: Date | null;
}

const bookingSelect = {
  id: true,
  patientId: true,
  status: true,
  attendedAt: true,
  slot: { select: { startsAt: true, specialty: true, kind: true, room: true, address: true, doctor: { select: { id: true, name: true } } } },
} as const;

type BookingRow = {
  id: string;
  patientId: string;
  status: string;
  attendedAt: Date | null;
  slot: { startsAt: Date; specialty: string; kind: string; room: string | null; address: string | null; doctor: { id: string; name: string } };
};

const toBooking = ({ slot, ...row }: BookingRow): InPersonBooking => ({
  ...row,
  doctorName: slot.doctor.name,
  specialty: slot.specialty,
  startsAt: slot.startsAt,
  room: slot.room,
  address: slot.address,
});

/** In-person appointments for the front desk, and the visit record an attended one becomes. */
export class AttendanceRepository {
  constructor(private readonly db: Db) {}

  audit(entry: AuditEntry): Promise<void> {
    return recordAudit(this.db, entry);
  }

  /** Booked, attended or missed in-person appointments starting in [from, to), of one doctor's slots when given. */
  async bookings(from: Date, to: Date, doctorId?: string): Promise<InPersonBooking[]> {
    const rows = await this.db.appointment.findMany({
      where: { status: { in: ["booked", "attended", "no_show"] }, slot: { kind: "in_person", startsAt: { gte: from, lt: to }, ...(doctorId ? { doctorId } : {}) } },
      orderBy: { slot: { startsAt: "asc" } },
      select: bookingSelect,
    });
    return rows.map(toBooking);
  }

  async booking(appointmentId: string): Promise<(InPersonBooking & { kind: string; doctorId: string }) | undefined> {
    const row = await this.db.appointment.findUnique({ where: { id: appointmentId }, select: bookingSelect });
    return row ? { ...toBooking(row), kind: row.slot.kind, doctorId: row.slot.doctor.id } : undefined;
  }

  /**
   * Marks a booked appointment attended and writes its in-person visit in one transaction. The visit's
   * `externalId` is the appointment's, so a second press finds the first visit instead of making another.
   */
  async markAttended(
    appointmentId: string,
    at: Date,
    visit: { patientId: string; visitedAt: Date; icd10Code: string; problem: string; recordedById: string },
  ): Promise<string | undefined> {
    return this.db.$transaction(async (tx) => {
      const marked = await tx.appointment.updateMany({ where: { id: appointmentId, status: "booked" }, data: { status: "attended", attendedAt: at } });
      if (marked.count === 0) return undefined;
      const row = await tx.inPersonVisit.create({ data: { ...visit, source: "booking", externalId: `appointment-${appointmentId}` }, select: { id: true } });
      return row.id;
    });
  }

  /** Whether the booked appointment is now a no-show (false: it was not booked any more). */
  async markNoShow(appointmentId: string): Promise<boolean> {
    const marked = await this.db.appointment.updateMany({ where: { id: appointmentId, status: "booked" }, data: { status: "no_show" } });
    return marked.count === 1;
  }
}
