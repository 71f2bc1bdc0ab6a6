import { AppError } from "../errors";
import type { StaffMember, StaffRole } from "../staff/staff-member";

/**
 * Who may do what with the rota (issue 22): admins and operators read it and plan anyone's shifts (doctors publish
 * only their own, in the Video screen); only admins set the coverage rules the clinic promises.
 */
const rotaRoles = {
  read: ["admin", "operator"],
  planShifts: ["admin", "operator"],
  writeRules: ["admin"],
} as const satisfies Record<string, readonly StaffRole[]>;

export type RotaAction = keyof typeof rotaRoles;

export function assertRotaAccess(staff: StaffMember, action: RotaAction): void {
  const roles: readonly StaffRole[] = rotaRoles[action];
  if (!roles.includes(staff.role)) throw new AppError("forbidden", `this needs the role ${roles.join(" or ")}`);
}
