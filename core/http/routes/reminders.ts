import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CareAccess } from "../../access/care-access";
import {
  followUpInputSchema,
  medicationScheduleInputSchema,
  prescriptionSchema,
  quietHoursSchema,
  type ReminderService,
} from "../../reminders/reminder-service";
import { medicationScheduleSchema, reminderOccurrenceSchema, remindersOverviewSchema } from "../../reminders/reminder";
import { noContent } from "../responses";

const patientParams = z.object({ patientId: z.uuid() });
const idParams = z.object({ id: z.uuid() });

/**
 * Reminders in the console: schedules, follow-ups, quiet hours, and what the patient took or missed. All of it a
 * doctor's in the patient's care (CareAccess); the acting doctor is always the one signed in, never a body field.
 */
export const reminderRoutes = (deps: { reminders: ReminderService; access: CareAccess }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const { reminders, access } = deps;

  app.get("/patients/:patientId/reminders", { schema: { params: patientParams, response: { 200: remindersOverviewSchema } } }, async (request) =>
    reminders.overview(await access.patient(request.staff, request.params.patientId), request.params.patientId),
  );

  app.post(
    "/patients/:patientId/medication-schedules",
    { schema: { params: patientParams, body: medicationScheduleInputSchema, response: { 201: medicationScheduleSchema } } },
    async (request, reply) => {
      const doctor = await access.patient(request.staff, request.params.patientId);
      return reply.status(201).send(await reminders.createSchedule(doctor, request.params.patientId, request.body));
    },
  );

  app.delete("/medication-schedules/:id", { schema: { params: idParams, response: { 204: noContent } } }, async (request, reply) => {
    await reminders.cancelSchedule(await access.medicationSchedule(request.staff, request.params.id), request.params.id);
    return reply.status(204).send();
  });

  /** For the prescriptions feature (or an integration) to hand a prescription over; idempotent per prescription id. */
  app.post("/prescriptions/medication-schedules", { schema: { body: prescriptionSchema, response: { 201: z.object({ schedules: z.array(medicationScheduleSchema) }) } } }, async (request, reply) => {
    const doctor = await access.patient(request.staff, request.body.patientId);
    return reply.status(201).send({ schedules: await reminders.fromPrescription(request.body, doctor) });
  });

  app.put(
    "/patients/:patientId/quiet-hours",
    { schema: { params: patientParams, body: quietHoursSchema.nullable(), response: { 204: noContent } } },
    async (request, reply) => {
      const doctor = await access.patient(request.staff, request.params.patientId);
      await reminders.setQuietHours({ type: "doctor", id: doctor.id }, request.params.patientId, request.body);
      return reply.status(204).send();
    },
  );

  app.post(
    "/consultations/:id/follow-ups",
    { schema: { params: idParams, body: followUpInputSchema, response: { 201: reminderOccurrenceSchema } } },
    async (request, reply) =>
      reply.status(201).send(await reminders.scheduleFollowUp(await access.consultationDoctor(request.staff, request.params.id), request.params.id, request.body)),
  );
};
