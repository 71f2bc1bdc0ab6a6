import cookie from "@fastify/cookie";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Doctor } from "../doctors/doctors";
import type { DoctorDirectory } from "../doctors/doctor-directory";
import { AppError } from "../errors";
import type { StaffService } from "../staff/staff-service";
import type { StaffMember, StaffRole } from "../staff/staff-member";

export const SESSION_COOKIE = "telecons_session";

declare module "fastify" {
  interface FastifyRequest {
    staff: StaffMember;
    /** Set for doctors only (existing routes keep `request.doctor`); null for operators and admins. */
    doctor: Doctor;
  }
}

export async function registerCookies(app: FastifyInstance): Promise<void> {
  await app.register(cookie);
}

/**
 * Every route registered in `scope` after this needs a staff session cookie (the console) or a doctor's
 * bearer token (API clients, tests). Either way `request.staff` is set, and `request.doctor` for doctors.
 */
export function requireStaff(scope: FastifyInstance, deps: { staff: StaffService; doctors: DoctorDirectory }): void {
  scope.decorateRequest("staff", null as unknown as StaffMember);
  scope.decorateRequest("doctor", null as unknown as Doctor);
  scope.addHook("onRequest", async (request: FastifyRequest) => {
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "");
    let member: StaffMember | undefined;
    if (bearer) {
      const doctor = await deps.doctors.byApiToken(bearer[1]!);
      member = doctor ? await deps.staff.forDoctor(doctor) : undefined;
    } else {
      const token = request.cookies[SESSION_COOKIE];
      member = token ? await deps.staff.bySession(token) : undefined;
      // A cookie travels with cross-site requests too; state changes must come from our own page.
      if (member && request.method !== "GET" && request.headers["x-requested-with"] !== "telecons-console") {
        throw new AppError("forbidden", "missing X-Requested-With header");
      }
    }
    if (!member) throw new AppError("unauthorized", "log in to the console or send a doctor bearer token");
    request.staff = member;
    request.doctor = member.doctor as Doctor;
  });
}

export function requireRole(request: FastifyRequest, ...roles: StaffRole[]): void {
  if (!roles.includes(request.staff.role)) throw new AppError("forbidden", `this needs the role ${roles.join(" or ")}`);
}
