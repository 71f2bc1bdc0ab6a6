import { z } from "zod";
import type { Alert } from "./alerts";
import type { DeviceLink, IngestionTokenInfo } from "./ingestion-tokens";
import { readingKindSchema } from "./reading";
import { chartWindowSchema, type IngestResult, type ReadingsChart } from "./reading-service";
import { limitsSchema, metrics, type Metric, type Thresholds } from "./thresholds";

/** What the api answers of the monitoring views: each passes through its schema, so nothing else leaves. */
export const ingestResultSchema = z.object({
  format: z.enum(["json", "fhir", "nightscout"]),
  accepted: z.number(),
  duplicates: z.number(),
  rejected: z.array(z.object({ index: z.number(), error: z.string() })),
}) satisfies z.ZodType<IngestResult>;

/** The thresholds in force: every metric, the clinic's defaults where the doctor set none. */
export const effectiveThresholdsSchema = z.object(Object.fromEntries(metrics.map((m) => [m, limitsSchema])) as Record<Metric, typeof limitsSchema>) satisfies z.ZodType<Thresholds>;

export const thresholdsViewSchema = z.object({ thresholds: effectiveThresholdsSchema, custom: z.unknown(), doctorId: z.string().nullable() });

export const readingsChartSchema = z.object({
  window: chartWindowSchema,
  from: z.date(),
  to: z.date(),
  series: z.array(
    z.object({
      kind: readingKindSchema,
      unit: z.string(),
      points: z.array(z.object({ at: z.date(), value: z.number(), value2: z.number().nullable(), deviceId: z.string() })),
    }),
  ),
  thresholds: effectiveThresholdsSchema,
}) satisfies z.ZodType<ReadingsChart>;

export const deviceLinkSchema = z.object({
  id: z.string(),
  token: z.string(),
  readingsUrl: z.string(),
  nightscoutUrl: z.string(),
  qrPayload: z.string(),
}) satisfies z.ZodType<DeviceLink>;

export const ingestionTokenInfoSchema = z.object({
  id: z.string(),
  label: z.string().nullable(),
  createdAt: z.date(),
  revokedAt: z.date().nullable(),
}) satisfies z.ZodType<IngestionTokenInfo>;

/** `metric` and `level` are plain text columns: an answer must not fail on a value an older release wrote there. */
export const alertSchema = z.object({
  id: z.string(),
  patientId: z.string(),
  doctorId: z.string().nullable(),
  metric: z.string(),
  level: z.string(),
  status: z.enum(["open", "acknowledged", "resolved"]),
  lastValue: z.string(),
  readingsCount: z.number(),
  openedAt: z.date(),
  lastAt: z.date(),
  acknowledgedAt: z.date().nullable(),
  resolvedAt: z.date().nullable(),
  consultation: z.object({ id: z.string(), number: z.number() }).nullable(),
}) satisfies z.ZodType<Omit<Alert, "metric" | "level"> & { metric: string; level: string }>;
