import { z } from "zod";

export interface Doctor {
  id: string;
  name: string;
  specialties: string[];
  languages: string[];
}

/** A doctor as the public disclosure names them. */
export interface ConsultingDoctor {
  name: string;
  specialties: string[];
  certificateNumber: string | null;
  certificateValidUntil: Date | null;
}

export const newDoctorSchema = z.object({
  name: z.string().trim().min(2).max(200),
  specialties: z.array(z.string().trim().min(1)).min(1),
  languages: z.array(z.string().trim().length(2)).min(1),
});
