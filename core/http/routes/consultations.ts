import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { replySchema, type ConsultationService } from "../../consultations/consultation-service";
import type { Doctor, DoctorDirectory } from "../../doctors/doctors";
import { AppError } from "../../errors";

const idParams = z.object({ id: z.uuid() });

declare module "fastify" {
  interface FastifyRequest {
    doctor: Doctor;
  }
}

/** Every route registered in `scope` after this requires a doctor's bearer token and sees `request.doctor`. */
export function requireDoctor(scope: FastifyInstance, doctors: DoctorDirectory): void {
  scope.decorateRequest("doctor", null as unknown as Doctor);
  scope.addHook("onRequest", async (request: FastifyRequest) => {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "");
    const doctor = match ? await doctors.byApiToken(match[1]!) : undefined;
    if (!doctor) throw new AppError("unauthorized", "a valid doctor bearer token is required");
    request.doctor = doctor;
  });
}

/** Consultations as doctors see them in the console. */
export const consultationRoutes =
  (deps: { consultations: ConsultationService }) => async (scope: FastifyInstance) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();

    app.get("/consultations", async (request) => ({
      consultations: await deps.consultations.listOpen(request.doctor),
    }));

    app.get("/consultations/:id", { schema: { params: idParams } }, async (request) =>
      deps.consultations.read(request.doctor, request.params.id),
    );

    app.post("/consultations/:id/messages", { schema: { params: idParams, body: replySchema } }, async (request, reply) => {
      const message = await deps.consultations.reply(request.doctor, request.params.id, request.body.text);
      return reply.status(201).send(message);
    });
  };
