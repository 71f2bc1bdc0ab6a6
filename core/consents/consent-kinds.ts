import { z } from "zod";

/**
 * Consents required before anything medical is stored (152-FZ, 323-FZ art. 36.2), in the order they are asked.
 * The shipped version names the text in locales/ (`consent.<kind>.ask`); an admin may publish a newer text
 * (ConsentText). The patient is asked the newest version, and consents to an older one no longer count.
 */
export const requiredConsents = [
  { kind: "personal_data", version: "2026-11-01" },
  { kind: "remote_care", version: "2026-11-01" },
] as const;

export const consentKindSchema = z.enum(["personal_data", "remote_care"]);
export type ConsentKind = z.infer<typeof consentKindSchema>;
