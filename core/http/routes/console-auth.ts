import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { loginSchema, type StaffService } from "../../staff/staff-service";
import { z } from "zod";
import { publicStaffSchema, type StaffMember } from "../../staff/staff-member";
import { noContent } from "../responses";
import { perMinute } from "../rate-limit";
import { SESSION_COOKIE } from "../staff-auth";

export const publicStaff = (s: StaffMember): z.output<typeof publicStaffSchema> => ({
  id: s.id,
  email: s.email,
  name: s.name,
  role: s.role,
  specialties: s.doctor?.specialties ?? [],
  languages: s.doctor?.languages ?? [],
  doctorId: s.doctor?.id ?? null,
});

/** Login and logout: outside the authenticated scope. */
export const consoleAuthRoutes =
  (deps: { staff: StaffService; cookieSecure: boolean; sessionTtlMs: number; loginsPerMinute: number }) => async (scope: FastifyInstance) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    // Per address, before any account is looked at: the account's own lockout lives in StaffService.login.
    const rateLimit = perMinute(deps.loginsPerMinute, (request) => `login:${request.ip}`);
    app.post("/auth/login", { schema: { body: loginSchema, response: { 200: z.object({ staff: publicStaffSchema }) } }, config: { rateLimit } }, async (request, reply) => {
      const { staff, sessionToken } = await deps.staff.login(request.body, { ip: request.ip });
      reply.setCookie(SESSION_COOKIE, sessionToken, {
        path: "/",
        httpOnly: true,
        sameSite: "strict",
        secure: deps.cookieSecure,
        maxAge: Math.round(deps.sessionTtlMs / 1000),
      });
      return { staff: publicStaff(staff) };
    });
    app.post("/auth/logout", { schema: { response: { 204: noContent } } }, async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await deps.staff.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send();
    });
  };
