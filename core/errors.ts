import { z } from "zod";

/**
 * The one error model: stable codes that each edge translates once
 * (HTTP status and body, a localised message to the patient, retry or stop in a worker).
 */
export const errorCodes = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  locked: 423,
  /** Too many requests from one client address (or widget visitor) in a window: see core/http/rate-limit.ts. */
  rate_limited: 429,
  unavailable: 503,
  /** What a primary remote consultation may not hold (a diagnosis, a prescription): see core/protocols/guardrail.ts. */
  primary_consultation: 422,
  /** A prescription is renewed remotely only soon enough after an in-person visit (RENEWAL_MAX_VISIT_AGE_DAYS). */
  in_person_visit_outdated: 422,
  /** The patient withdrew consent: nothing of theirs is processed until they consent again (core/consents/processing-consent.ts). */
  consent_withdrawn: 403,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "AppError";
  }

  get httpStatus(): number {
    return errorCodes[this.code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);

/** The body of every refusal and failure the api answers (core/http/error-handler.ts). */
export const errorBodySchema = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });
