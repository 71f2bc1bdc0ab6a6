import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  appointmentRemindersSchema,
  followUpInputSchema,
  medicationScheduleInputSchema,
  prescriptionSchema,
  quietHoursSchema,
  type ReminderService,
} from "../../reminders/reminder-service";

const patientParams = z.object({ patientId: z.uuid() });
const idParams = z.object({ id: z.uuid() });

/** Reminders in the console: schedules, follow-ups, quiet hours, and what the patient took or missed. */
export const reminderRoutes = (deps: { reminders: ReminderService }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const { reminders } = deps;

  app.get("/patients/:patientId/reminders", { schema: { params: patientParams } }, async (request) =>
    reminders.overview(request.doctor, request.params.patientId),
  );

  app.post(
    "/patients/:patientId/medication-schedules",
    { schema: { params: patientParams, body: medicationScheduleInputSchema } },
    async (request, reply) =>
      reply.status(201).send(await reminders.createSchedule(request.doctor, request.params.patientId, request.body)),
  );

  app.delete("/medication-schedules/:id", { schema: { params: idParams } }, async (request, reply) => {
    await reminders.cancelSchedule(request.doctor, request.params.id);
    return reply.status(204).send();
  });

  /** For the prescriptions feature (or an integration) to hand a prescription over; idempotent per prescription id. */
  app.post("/prescriptions/medication-schedules", { schema: { body: prescriptionSchema } }, async (request, reply) =>
    reply.status(201).send({ schedules: await reminders.fromPrescription({ ...request.body, doctorId: request.body.doctorId ?? request.doctor.id }) }),
  );

  app.put(
    "/patients/:patientId/quiet-hours",
    { schema: { params: patientParams, body: quietHoursSchema.nullable() } },
    async (request, reply) => {
      await reminders.setQuietHours({ type: "doctor", id: request.doctor.id }, request.params.patientId, request.body);
      return reply.status(204).send();
    },
  );

  app.post(
    "/consultations/:id/follow-ups",
    { schema: { params: idParams, body: followUpInputSchema } },
    async (request, reply) => reply.status(201).send(await reminders.scheduleFollowUp(request.doctor, request.params.id, request.body)),
  );

  /** For the appointments feature: 24 h and 1 h reminders; posting a new time replaces the old reminders. */
  app.post("/appointments/reminders", { schema: { body: appointmentRemindersSchema } }, async (request, reply) =>
    reply.status(201).send({ created: await reminders.scheduleAppointment(request.body) }),
  );
};
