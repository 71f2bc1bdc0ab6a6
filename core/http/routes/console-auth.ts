import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { loginSchema, type StaffMember, type StaffService } from "../../staff/staff-service";
import { SESSION_COOKIE } from "../staff-auth";

export const publicStaff = (s: StaffMember) => ({
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
  (deps: { staff: StaffService; cookieSecure: boolean; sessionTtlMs: number }) => async (scope: FastifyInstance) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    app.post("/auth/login", { schema: { body: loginSchema } }, async (request, reply) => {
      const { staff, sessionToken } = await deps.staff.login(request.body);
      reply.setCookie(SESSION_COOKIE, sessionToken, {
        path: "/",
        httpOnly: true,
        sameSite: "strict",
        secure: deps.cookieSecure,
        maxAge: Math.round(deps.sessionTtlMs / 1000),
      });
      return { staff: publicStaff(staff) };
    });
    app.post("/auth/logout", async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await deps.staff.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send();
    });
  };
