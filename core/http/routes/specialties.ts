import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { specialtyCodeSchema, specialtyInputSchema, specialtySchema } from "../../specialties/specialty";
import type { SpecialtyDirectory } from "../../specialties/specialty-directory";
import { requireRole } from "../staff-auth";

/** Every staff member reads the list (queue filters, names); only admins change it. */
export const specialtyRoutes = (deps: { specialties: SpecialtyDirectory }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get("/specialties", { schema: { response: { 200: z.object({ specialties: z.array(specialtySchema) }) } } }, async () => ({ specialties: await deps.specialties.list() }));

  app.put("/specialties/:code", { schema: { params: z.object({ code: specialtyCodeSchema }), body: specialtyInputSchema, response: { 200: specialtySchema } } }, async (request) => {
    requireRole(request, "admin");
    return deps.specialties.save(request.params.code, request.body, { type: "staff", id: request.staff.id });
  });
};
