import { z } from "zod";
import type { Actor } from "../audit/audit-log";
import { icd10CodeSchema } from "../icd10/icd10";
import { AppError, notFound } from "../errors";
import { assertVisitRecorder } from "../protocols/in-person-visits";
import type { StaffMember } from "../staff/staff-member";
import type { AttendanceRepository, InPersonBooking } from "./attendance-repository";

/** What the front desk enters once the patient came: the in-person visit's code and problem, as the guardrail reads them. */
export const attendanceSchema = z.object({
  icd10Code: icd10CodeSchema,
  problem: z.string().trim().min(1).max(500),
});

export const bookingsQuerySchema = z.object({
  from: z.coerce.date().optional(),
  days: z.coerce.number().int().min(1).max(60).default(14),
});

/**
 * The front desk's side of in-person booking. A booked in-person visit that happened becomes the patient's
 * `InPersonVisit` (source `booking`), the record that makes a later remote consultation a follow-up
 * (core/protocols/guardrail.ts). Marking it is for the roles that record visits (`IN_PERSON_VISIT_RECORDERS`),
 * not for the doctor who wants to diagnose remotely; a doctor among them sees and marks only their own slots.
 */
export class InPersonAttendance {
  constructor(private readonly deps: { repo: AttendanceRepository; recorders: readonly string[]; now?: () => Date }) {}

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  async bookings(staff: StaffMember, query: z.input<typeof bookingsQuerySchema>): Promise<InPersonBooking[]> {
    assertVisitRecorder(staff.role, this.deps.recorders);
    const { from, days } = bookingsQuerySchema.parse(query);
    const start = from ?? new Date(this.now().getTime() - 24 * 3600_000);
    const rows = await this.deps.repo.bookings(start, new Date(start.getTime() + days * 24 * 3600_000), staff.doctor?.id);
    await this.deps.repo.audit({ actor: actorOf(staff), action: "in_person_booking.list", entityType: "appointment", entityId: "*", meta: { count: rows.length } });
    return rows;
  }

  async markAttended(staff: StaffMember, appointmentId: string, input: z.input<typeof attendanceSchema>): Promise<{ visitId: string }> {
    assertVisitRecorder(staff.role, this.deps.recorders);
    const { icd10Code, problem } = attendanceSchema.parse(input);
    const booking = await this.startedBooking(staff, appointmentId);
    const now = this.now();
    const visitId = await this.deps.repo.markAttended(appointmentId, now, {
      patientId: booking.patientId,
      visitedAt: booking.startsAt,
      icd10Code,
      problem,
      recordedById: staff.id,
    });
    if (!visitId) throw notBooked();
    await this.deps.repo.audit({ actor: actorOf(staff), action: "in_person_visit.attended", entityType: "patient", entityId: booking.patientId, meta: { appointmentId, visitId } });
    return { visitId };
  }

  /** The patient did not come: the appointment is closed as a no-show and makes no in-person visit. */
  async markNoShow(staff: StaffMember, appointmentId: string): Promise<{ status: "no_show" }> {
    assertVisitRecorder(staff.role, this.deps.recorders);
    const booking = await this.startedBooking(staff, appointmentId);
    if (!(await this.deps.repo.markNoShow(appointmentId))) throw notBooked();
    await this.deps.repo.audit({ actor: actorOf(staff), action: "in_person_booking.no_show", entityType: "patient", entityId: booking.patientId, meta: { appointmentId } });
    return { status: "no_show" };
  }

  /** A booked in-person appointment this staff member may mark, whose time has come. */
  private async startedBooking(staff: StaffMember, appointmentId: string) {
    const booking = await this.deps.repo.booking(appointmentId);
    if (!booking || booking.kind !== "in_person" || (staff.doctor && booking.doctorId !== staff.doctor.id)) throw notFound("appointment");
    if (booking.status !== "booked") throw notBooked();
    if (booking.startsAt > this.now()) throw new AppError("conflict", "the visit has not started yet");
    return booking;
  }
}

const notBooked = () => new AppError("conflict", "this appointment is not booked (cancelled, or already marked attended or missed)");

const actorOf = (staff: StaffMember): Actor => (staff.doctor ? { type: "doctor", id: staff.doctor.id } : { type: "staff", id: staff.id });
