import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { acceptFhirJson } from "../fhir-json";
import { z } from "zod";
import type { CareAccess } from "../../access/care-access";
import { AppError } from "../../errors";
import { alertStatusSchema, type AlertService } from "../../monitoring/alerts";
import { renderChartSvg } from "../../monitoring/chart-svg";
import type { IngestionTokens } from "../../monitoring/ingestion-tokens";
import { readingKindSchema } from "../../monitoring/reading";
import { chartInputFor } from "../../monitoring/readings-chart";
import { translator } from "../../i18n";
import { chartWindowSchema, type IngestResult, type ReadingService } from "../../monitoring/reading-service";
import { thresholdsSchema } from "../../monitoring/thresholds";
import {
  alertSchema,
  deviceLinkSchema,
  ingestionTokenInfoSchema,
  ingestResultSchema,
  readingsChartSchema,
  thresholdsViewSchema,
} from "../../monitoring/monitoring-views";
import { errorBodySchema } from "../../errors";
import { text } from "../responses";

/** What was kept and what was not; a batch with nothing valid is a 400 that says why per line (a body in no known format, without the counts). */
const readingsBody = z.unknown().describe("Our JSON batch, FHIR R4 Observations (one, an array or a Bundle) or Nightscout entries");
const ingestResponse = { 200: ingestResultSchema, 400: errorBodySchema.extend(ingestResultSchema.partial().shape) };

export interface MonitoringDeps {
  readings: ReadingService;
  alerts: AlertService;
  ingestionTokens: IngestionTokens;
}

/** Devices post here with their patient's ingestion token: outside the staff scope. */
export const readingsIngestionRoutes = (deps: MonitoringDeps) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  acceptFhirJson(app);

  const answer = (result: IngestResult, reply: FastifyReply): void => {
    if (result.accepted + result.duplicates === 0 && result.rejected.length) {
      reply.status(400).send({ code: "validation", message: "no reading in the batch was valid", ...result });
      return;
    }
    reply.status(200).send(result);
  };

  app.post("/api/v1/readings", { schema: { body: readingsBody, response: ingestResponse } }, async (request, reply) => {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "");
    const patientId = match ? await deps.ingestionTokens.patientForToken(match[1]!) : undefined;
    if (!patientId) throw new AppError("unauthorized", "a valid ingestion token is required (Authorization: Bearer …)");
    return answer(await deps.readings.ingest(patientId, request.body), reply);
  });

  // Nightscout's own upload path, so xDrip+ and other uploaders work unchanged (`api-secret: sha1(secret)`).
  for (const url of ["/api/v1/entries", "/api/v1/entries.json"]) {
    app.post(url, { schema: { body: readingsBody, response: ingestResponse } }, async (request, reply) => {
      const patientId = await nightscoutPatient(request, deps.ingestionTokens);
      if (!patientId) throw new AppError("unauthorized", "a valid api-secret is required");
      return answer(await deps.readings.ingest(patientId, request.body, "nightscout"), reply);
    });
  }
};

async function nightscoutPatient(request: FastifyRequest, tokens: IngestionTokens) {
  const header = request.headers["api-secret"];
  const secret = typeof header === "string" ? header : /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
  if (!secret) return undefined;
  return (await tokens.patientForToken(secret)) ?? (await tokens.patientForNightscoutSecret(secret));
}

const patientParams = z.object({ patientId: z.uuid() });
const idParams = z.object({ id: z.uuid() });
const chartQuery = z.object({ window: chartWindowSchema.default("week"), kind: readingKindSchema.optional(), to: z.iso.datetime({ offset: true }).optional() });

/** Staff side: device links, thresholds, readings for charts, alerts. All of it a doctor's in the patient's care. */
export const monitoringStaffRoutes = (deps: MonitoringDeps & { access: CareAccess }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const { access } = deps;
  const actor = (doctor: { id: string }) => ({ type: "doctor" as const, id: doctor.id });

  app.post(
    "/patients/:patientId/ingestion-tokens",
    { schema: { params: patientParams, body: z.object({ label: z.string().max(100).optional() }).optional(), response: { 201: deviceLinkSchema } } },
    async (request, reply) => {
      const doctor = await access.patient(request.staff, request.params.patientId);
      return reply.status(201).send(await deps.ingestionTokens.issue(actor(doctor), request.params.patientId, request.body?.label ?? null));
    },
  );
  app.get("/patients/:patientId/ingestion-tokens", { schema: { params: patientParams, response: { 200: z.object({ tokens: z.array(ingestionTokenInfoSchema) }) } } }, async (request) => ({
    tokens: await deps.ingestionTokens.list(actor(await access.patient(request.staff, request.params.patientId)), request.params.patientId),
  }));
  app.delete("/ingestion-tokens/:id", { schema: { params: idParams, response: { 200: ingestionTokenInfoSchema } } }, async (request) =>
    deps.ingestionTokens.revoke(actor(await access.ingestionToken(request.staff, request.params.id)), request.params.id),
  );

  app.get("/patients/:patientId/thresholds", { schema: { params: patientParams, response: { 200: thresholdsViewSchema } } }, async (request) =>
    deps.readings.thresholds(request.params.patientId, actor(await access.patient(request.staff, request.params.patientId))),
  );
  // Setting thresholds makes the doctor responsible for the alerts: only a doctor already in the patient's care may.
  app.put("/patients/:patientId/thresholds", { schema: { params: patientParams, body: thresholdsSchema, response: { 200: thresholdsViewSchema } } }, async (request) => {
    const doctor = await access.patient(request.staff, request.params.patientId);
    return deps.readings.setThresholds(doctor.id, request.params.patientId, request.body);
  });

  app.get("/patients/:patientId/readings", { schema: { params: patientParams, querystring: chartQuery, response: { 200: readingsChartSchema } } }, async (request) => {
    const { window, kind, to } = request.query;
    const doctor = await access.patient(request.staff, request.params.patientId);
    return deps.readings.chart(doctor.id, request.params.patientId, window, to ? new Date(to) : undefined, kind);
  });
  app.get(
    "/patients/:patientId/readings/chart.svg",
    // The chart's words follow the console's language (ru or en), as every other label there.
    { schema: { params: patientParams, querystring: chartQuery.extend({ kind: readingKindSchema, lang: z.enum(["ru", "en"]).default("ru") }), response: { 200: text("image/svg+xml", "The chart") } } },
    async (request, reply) => {
      const { window, kind, to } = request.query;
      const doctor = await access.patient(request.staff, request.params.patientId);
      const chart = await deps.readings.chart(doctor.id, request.params.patientId, window, to ? new Date(to) : undefined, kind);
      return reply.type("image/svg+xml").send(renderChartSvg(chartInputFor(chart, kind, translator(request.query.lang, "console"))));
    },
  );

  app.get(
    "/monitoring/alerts",
    { schema: { querystring: z.object({ status: alertStatusSchema.optional(), patientId: z.uuid().optional() }), response: { 200: z.object({ alerts: z.array(alertSchema) }) } } },
    async (request) => ({ alerts: await deps.alerts.list(access.doctor(request.staff).id, request.query.status, request.query.patientId) }),
  );
  app.post("/monitoring/alerts/:id/acknowledge", { schema: { params: idParams, response: { 200: alertSchema } } }, async (request) =>
    deps.alerts.acknowledge((await access.alert(request.staff, request.params.id)).id, request.params.id),
  );
};
