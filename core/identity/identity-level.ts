/** How sure the clinic is of who the patient is: raised by proofs, never lowered (core/identity/identity-service.ts). */
export type IdentityLevel = "anonymous" | "phone_confirmed" | "verified";
export type VerificationMethod = "telegram_contact" | "sms" | "staff" | "oidc";
