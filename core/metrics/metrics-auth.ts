import { createHash, timingSafeEqual } from "node:crypto";

/**
 * `/metrics` shows queue sizes, traffic and route timings: not patient data, but a map of the clinic's activity,
 * so Prometheus presents `Authorization: Bearer <METRICS_TOKEN>`. No token configured (development only:
 * production requires one, see core/config.ts) leaves it open.
 */
export function metricsAuthorized(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const presented = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1] ?? "";
  // Hashes of equal length, so the comparison time does not tell the token's length either.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
