import { z } from "zod";

// The value shapes of core/config.ts that take more than one line to say.

/** One check, so a bad value is one message: `z.url().refine()` would add "Invalid URL" and the protocol line. */
export const url = (protocols: string[]) => {
  const prefixes = protocols.map((p) => `${p}://`).join(" or ");
  return z.string().superRefine((value, ctx) => {
    if (!z.url().safeParse(value).success) ctx.addIssue({ code: "custom", message: `must be a URL starting with ${prefixes}` });
    else if (!protocols.some((p) => value.startsWith(`${p}://`))) ctx.addIssue({ code: "custom", message: `must start with ${prefixes}` });
  });
};

/** `channel:messagesPerSecond:msBetweenMessagesToOneChat`, comma-separated (per bot / per VK group). */
export const defaultRateLimits = "telegram:30:1100,vk:20:0,web:200:0,max:20:500";
export const rateLimitsSchema = z
  .string()
  .regex(/^[a-z]+:\d+(\.\d+)?:\d+(,[a-z]+:\d+(\.\d+)?:\d+)*$/, "must look like telegram:30:1000,vk:20:0")
  .transform((value) =>
    Object.fromEntries(
      value.split(",").map((entry) => {
        const [channel, perSecond, chatIntervalMs] = entry.split(":");
        return [channel!, { perSecond: Number(perSecond), chatIntervalMs: Number(chatIntervalMs) }];
      }),
    ),
  )
  .refine((rates) => Object.values(rates).every((r) => r.perSecond > 0), "messages per second must be above 0");

/** CSP sources as an operator writes them: `'self'` or origins such as `https://clinic.example` / `https://*.clinic.example`. */
export const frameAncestorsSchema = z
  .string()
  // `self` without quotes too: shells and env files strip them.
  .transform((value) => value.split(/[\s,]+/).filter(Boolean).map((source) => (source === "self" ? "'self'" : source)))
  .refine((sources) => sources.length > 0, "must name at least one origin")
  .refine(
    (sources) => sources.every((s) => s === "'self'" || /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:(\d{1,5}|\*))?$/.test(s)),
    "must be 'self' or origins like https://clinic.example, separated by spaces",
  );
