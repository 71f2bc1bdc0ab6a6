import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { assertRotaAccess } from "../../access/rota-access";
import { coverageRuleInputSchema, coverageRuleSchema } from "../../rota/coverage-rule";
import { coverageGapSchema, rotaRowSchema, rotaShiftSchema } from "../../rota/rota-grid";
import { coverageQuerySchema, coverageReportSchema, gapsQuerySchema, newShiftSchema, rotaQuerySchema, shiftKindSchema, shiftMoveSchema, type Rota } from "../../rota/rota-service";
import { noContent } from "../responses";

const idParams = z.object({ id: z.uuid() });
const shiftReply = z.object({ shift: rotaShiftSchema });
const people = z.object({
  doctors: z.array(z.object({ id: z.string(), name: z.string(), specialties: z.array(z.string()), languages: z.array(z.string()) })),
  interpreters: z.array(z.object({ id: z.string(), name: z.string(), languages: z.array(z.string()) })),
});
const week = z.object({ from: z.date(), to: z.date(), timeZone: z.string(), shifts: z.array(rotaShiftSchema), rows: z.array(rotaRowSchema) });

/** The rota, its coverage rules and gaps (issue 22): admins and operators, rules set by admins. */
export const rotaRoutes = (deps: { rota: Rota }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const actor = (staffId: string) => ({ type: "staff" as const, id: staffId });

  app.get("/rota", { schema: { querystring: rotaQuerySchema, response: { 200: week } } }, async (request) => {
    assertRotaAccess(request.staff, "read");
    return deps.rota.week(request.query.from, request.query.days);
  });

  app.get("/rota/people", { schema: { response: { 200: people } } }, async (request) => {
    assertRotaAccess(request.staff, "read");
    return deps.rota.people();
  });

  app.post("/rota/shifts", { schema: { body: newShiftSchema, response: { 201: shiftReply } } }, async (request, reply) => {
    assertRotaAccess(request.staff, "planShifts");
    return reply.status(201).send({ shift: await deps.rota.addShift(request.body, actor(request.staff.id)) });
  });

  app.patch("/rota/shifts/:id", { schema: { params: idParams, body: shiftMoveSchema, response: { 200: shiftReply } } }, async (request) => {
    assertRotaAccess(request.staff, "planShifts");
    return { shift: await deps.rota.moveShift(request.params.id, request.body, actor(request.staff.id)) };
  });

  app.delete(
    "/rota/shifts/:id",
    { schema: { params: idParams, querystring: z.object({ kind: shiftKindSchema }), response: { 204: noContent } } },
    async (request, reply) => {
      assertRotaAccess(request.staff, "planShifts");
      await deps.rota.removeShift(request.query.kind, request.params.id, actor(request.staff.id));
      return reply.status(204).send();
    },
  );

  app.get("/coverage-rules", { schema: { response: { 200: z.object({ rules: z.array(coverageRuleSchema) }) } } }, async (request) => {
    assertRotaAccess(request.staff, "read");
    return { rules: await deps.rota.rules() };
  });

  app.post("/coverage-rules", { schema: { body: coverageRuleInputSchema, response: { 201: z.object({ rule: coverageRuleSchema }) } } }, async (request, reply) => {
    assertRotaAccess(request.staff, "writeRules");
    return reply.status(201).send({ rule: await deps.rota.addRule(request.body, actor(request.staff.id)) });
  });

  app.delete("/coverage-rules/:id", { schema: { params: idParams, response: { 204: noContent } } }, async (request, reply) => {
    assertRotaAccess(request.staff, "writeRules");
    await deps.rota.removeRule(request.params.id, actor(request.staff.id));
    return reply.status(204).send();
  });

  app.get("/coverage", { schema: { querystring: coverageQuerySchema, response: { 200: coverageReportSchema } } }, async (request) => {
    assertRotaAccess(request.staff, "read");
    return deps.rota.coverage(request.query, actor(request.staff.id));
  });

  app.get("/coverage/gaps", { schema: { querystring: gapsQuerySchema, response: { 200: z.object({ gaps: z.array(coverageGapSchema) }) } } }, async (request) => {
    assertRotaAccess(request.staff, "read");
    return { gaps: await deps.rota.gaps(request.query.hours) };
  });
};
