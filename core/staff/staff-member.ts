import { z } from "zod";
import type { Doctor } from "../doctors/doctors";

export const staffRoleSchema = z.enum(["doctor", "operator", "admin", "interpreter"]);
export type StaffRole = z.infer<typeof staffRoleSchema>;

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** Present for role doctor: the Doctor the consultations are assigned to. */
  doctor: Doctor | null;
  /** Present for role interpreter: whom video calls invite as a third participant. */
  interpreterId: string | null;
  lockedUntil: Date | null;
  disabled: boolean;
}

/** A staff member as the console sees them (no hashes, no secrets). */
export const publicStaffSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: staffRoleSchema,
  specialties: z.array(z.string()),
  languages: z.array(z.string()),
  doctorId: z.string().nullable(),
});
