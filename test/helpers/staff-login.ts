import { randomUUID } from "node:crypto";
import { totpCode } from "../../core/staff/totp";
import type { Harness } from "./harness";

/** A member of staff signed in to the console: the headers a console request sends (session cookie, X-Requested-With). */
export async function staffLogin(h: Harness, role: "doctor" | "operator" | "admin" | "interpreter", options: { specialties?: string[]; languages?: string[] } = {}) {
  const email = `${role}-${randomUUID().slice(0, 8)}@clinic.test`;
  const password = "a long enough password";
  const created = await h.services.staff.create({ email, name: `Test ${role}`, role, password, specialties: options.specialties ?? [], languages: options.languages ?? ["ru"] });
  const login = await h.app.inject({ method: "POST", url: "/api/v1/auth/login", payload: { email, password, code: totpCode(created.totpSecret) } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  return {
    staff: created.staff,
    headers: { cookie: String(login.headers["set-cookie"]).split(";")[0]!, "x-requested-with": "telecons-console" },
  };
}
