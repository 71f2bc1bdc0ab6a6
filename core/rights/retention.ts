import { z } from "zod";

/**
 * How long each kind of record is kept, configurable by the clinic (`RETENTION_PERIODS`). The defaults and
 * their legal basis are documented in README "Data rights and private mode"; a clinic's lawyer has the last word.
 *
 * - `medical_record`: what medical-records law makes the clinic keep (consultations a doctor took, protocols,
 *   signed documents, visits, results, readings). Counted from the patient's last medical record; destroyed by
 *   the retention worker only for patients who asked for erasure (others remain the clinic's patients).
 * - `delivery_copy`: the outbox's copy of each message sent to a messenger (the record itself is the Message).
 * - `unfinished_intake`: an intake that never became a consultation (a complaint nobody medical saw).
 */
export const retentionKinds = ["medical_record", "delivery_copy", "unfinished_intake"] as const;
export type RetentionKind = (typeof retentionKinds)[number];
export type RetentionPeriods = Record<RetentionKind, { days: number }>;

export const defaultRetention = "medical_record:25y,delivery_copy:90d,unfinished_intake:30d";

/** `kind:<n>d|<n>y`, comma-separated; kinds left out keep their default. */
export const retentionPeriodsSchema = z
  .string()
  .regex(/^[a-z_]+:\d+[dy](,[a-z_]+:\d+[dy])*$/, "must look like medical_record:25y,delivery_copy:90d")
  .transform((value, ctx) => {
    const periods = parse(defaultRetention);
    for (const entry of value.split(",")) {
      const [kind, period] = entry.split(":") as [string, string];
      if (!(retentionKinds as readonly string[]).includes(kind)) {
        ctx.addIssue({ code: "custom", message: `unknown kind ${kind} (known: ${retentionKinds.join(", ")})` });
        return z.NEVER;
      }
      periods[kind as RetentionKind] = toDays(period);
    }
    return periods;
  });

function parse(value: string): RetentionPeriods {
  return Object.fromEntries(value.split(",").map((entry) => {
    const [kind, period] = entry.split(":") as [RetentionKind, string];
    return [kind, toDays(period)];
  })) as RetentionPeriods;
}

// A year as 366 days: a record is never destroyed a day early in a leap year.
const toDays = (period: string) => ({ days: Number(period.slice(0, -1)) * (period.endsWith("y") ? 366 : 1) });

export const addDays = (date: Date, days: number) => new Date(date.getTime() + days * 86_400_000);
