import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { auditEventViewSchema, type AuditRepository } from "../../audit/audit-repository";
import { publicStaffSchema } from "../../staff/staff-member";
import { noContent } from "../responses";
import { newStaffSchema, type StaffService } from "../../staff/staff-service";
import { requireRole } from "../staff-auth";
import { publicStaff } from "./console-auth";

const idParams = z.object({ id: z.uuid() });
const auditQuery = z.object({
  actorId: z.string().trim().min(1).optional(),
  action: z.string().trim().min(1).optional(),
  entityType: z.string().trim().min(1).optional(),
  entityId: z.string().trim().min(1).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const staffAccountSchema = publicStaffSchema.extend({ lockedUntil: z.date().nullable(), disabled: z.boolean() });
const createdStaffSchema = z.object({ staff: publicStaffSchema, totpSecret: z.string(), otpauthUrl: z.string() });

/** Admin only: staff accounts and the audit log. */
export const staffAdminRoutes = (deps: { staff: StaffService; audit: AuditRepository }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.addHook("preHandler", async (request) => requireRole(request, "admin"));

  app.get("/staff", { schema: { response: { 200: z.object({ staff: z.array(staffAccountSchema) }) } } }, async () => ({
    staff: (await deps.staff.list()).map((s) => ({ ...publicStaff(s), lockedUntil: s.lockedUntil, disabled: s.disabled })),
  }));

  app.post("/staff", { schema: { body: newStaffSchema, response: { 201: createdStaffSchema } } }, async (request, reply) => {
    const created = await deps.staff.create(request.body, request.staff);
    return reply.status(201).send({ staff: publicStaff(created.staff), totpSecret: created.totpSecret, otpauthUrl: created.otpauthUrl });
  });

  // The admin's own current TOTP code: a hijacked admin session alone cannot reopen an account to guessing.
  const unlockBody = z.object({ code: z.string().trim().regex(/^\d{6}$/) });
  app.post("/staff/:id/unlock", { schema: { params: idParams, body: unlockBody, response: { 204: noContent } } }, async (request, reply) => {
    await deps.staff.unlock(request.params.id, request.staff, request.body.code);
    return reply.status(204).send();
  });

  app.post("/staff/:id/disable", { schema: { params: idParams, body: z.object({ disabled: z.boolean() }), response: { 204: noContent } } }, async (request, reply) => {
    await deps.staff.setDisabled(request.params.id, request.body.disabled, request.staff);
    return reply.status(204).send();
  });

  app.get("/audit", { schema: { querystring: auditQuery, response: { 200: z.object({ events: z.array(auditEventViewSchema) }) } } }, async (request) => ({ events: await deps.audit.search(request.query) }));
};
