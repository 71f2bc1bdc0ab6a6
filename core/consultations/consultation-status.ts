import { z } from "zod";

export const consultationStatusSchema = z.enum(["new", "in_progress", "waiting_for_patient", "closed"]);
export type ConsultationStatus = z.infer<typeof consultationStatusSchema>;
