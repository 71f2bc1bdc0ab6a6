import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { attendanceSchema, bookingsQuerySchema, type InPersonAttendance } from "../../video/in-person-attendance";

const idParams = z.object({ id: z.uuid() });

const bookingSchema = z.object({
  id: z.uuid(),
  patientId: z.uuid(),
  doctorName: z.string(),
  specialty: z.string(),
  startsAt: z.date(),
  room: z.string().nullable(),
  address: z.string().nullable(),
  status: z.string(),
  attendedAt: z.date().nullable(),
});

/**
 * The front desk's in-person appointments (the roles of IN_PERSON_VISIT_RECORDERS, checked in the domain): who is
 * booked where and when, "attended", which makes the visit the record the remote-care guardrail reads, and "did not
 * come".
 */
export const inPersonRoutes = (deps: { attendance: InPersonAttendance }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/in-person/appointments",
    { schema: { querystring: bookingsQuerySchema, response: { 200: z.object({ appointments: z.array(bookingSchema) }) } } },
    async (request) => ({ appointments: await deps.attendance.bookings(request.staff, request.query) }),
  );

  app.post(
    "/in-person/appointments/:id/attended",
    { schema: { params: idParams, body: attendanceSchema, response: { 201: z.object({ visitId: z.uuid() }) } } },
    async (request, reply) => reply.status(201).send(await deps.attendance.markAttended(request.staff, request.params.id, request.body)),
  );

  app.post(
    "/in-person/appointments/:id/no-show",
    { schema: { params: idParams, response: { 200: z.object({ status: z.literal("no_show") }) } } },
    async (request) => deps.attendance.markNoShow(request.staff, request.params.id),
  );
};
