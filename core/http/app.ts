import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import type { Config } from "../config";
import type { DoctorDirectory } from "../doctors/doctor-directory";
import type { MisPush } from "../fhir/mis-push";
import { loggerOptions } from "../logger";
import fastifyStatic from "@fastify/static";
import { existsSync } from "node:fs";
import type { CareAccess } from "../access/care-access";
import type { AuditRepository } from "../audit/audit-repository";
import type { ConsultationDesk } from "../consultations/consultation-desk";
import type { StoredFiles } from "../files/stored-files";
import type { RedisConsoleEvents } from "../realtime/console-events";
import type { StaffService } from "../staff/staff-service";
import { consoleAuthRoutes } from "./routes/console-auth";
import { consoleEventRoutes } from "./routes/console-events";
import { deskRoutes } from "./routes/desk";
import { staffAdminRoutes } from "./routes/staff-admin";
import { inboundAdminRoutes } from "./routes/inbound-admin";
import { misPushAdminRoutes } from "./routes/mis-push-admin";
import { specialtyRoutes } from "./routes/specialties";
import { consentTextRoutes } from "./routes/consent-texts";
import type { ConsentService } from "../consents/consent-service";
import type { SpecialtyDirectory } from "../specialties/specialty-directory";
import { registerCookies, requireStaff } from "./staff-auth";
import { registerErrorHandler } from "./error-handler";
import { registerRateLimit } from "./rate-limit";
import { registerHealth } from "./routes/health";
import type { ReminderService } from "../reminders/reminder-service";
import { reminderRoutes } from "./routes/reminders";
import { registerTelegramWebhook, type TelegramWebhookHandler } from "./routes/telegram-webhook";
import type { CallLinks } from "../video/call-links";
import type { LiveKitPort } from "../video/livekit";
import type { LiveKitWebhooks } from "../video/livekit-webhooks";
import { registerCallPage } from "./routes/call-page";
import { registerLiveKitWebhook } from "./routes/livekit-webhook";
import { videoRoutes, type VideoRouteDeps } from "./routes/video";
import { inPersonRoutes } from "./routes/in-person";
import type { AccountService } from "../account/account-service";
import { accountRoutes } from "./routes/account";
import { aboutRoutes, type AboutDeps } from "./routes/about";
import { protocolRoutes, type ProtocolRouteDeps } from "./routes/protocols";
import { labResultsRoutes, labStaffRoutes, type LabsDeps } from "./routes/labs";
import { examPageRoutes } from "./routes/exam-page";
import type { ExamSessions } from "../exam/exam-sessions";
import { intakePublicRoutes, intakeStaffRoutes, type IntakePublicDeps, type IntakeStaffDeps } from "./routes/intake";
import { monitoringStaffRoutes, readingsIngestionRoutes, type MonitoringDeps } from "./routes/readings";
import { registerVkWebhook, type VkWebhookDeps } from "./routes/vk-webhook";
import { registerMaxWebhook, type MaxWebhookDeps } from "./routes/max-webhook";
import { widgetRoutes, type WidgetDeps } from "./routes/widget";
import type { InboundStore } from "../inbound/inbound-repository";
import type { SecureChat } from "../private-mode/secure-chat";
import type { DataRights } from "../rights/data-rights";
import type { PatientErasure } from "../rights/patient-erasure";
import { secureChatRoutes } from "./routes/secure-chat";
import { registerSecurityHeaders } from "./security-headers";
import type { Metrics } from "../metrics/metrics";
import { registerMetrics } from "./routes/metrics";
import { requestIdFrom, runWithRequestId } from "../request-context";
import { openApiRoutes, registerOpenApiDocument } from "./openapi";
import { redirect } from "./responses";

declare module "fastify" {
  interface FastifyInstance {
    /** Method and url of every route registered (HEAD left out: Fastify adds it to each GET). */
    registeredRoutes: ReadonlyArray<{ method: string; url: string }>;
  }
}
import { FHIR_PREFIX, fhirRoutes, type FhirRouteDeps } from "./routes/fhir";
import type { AnalyticsService } from "../analytics/analytics-service";
import { analyticsRoutes } from "./routes/analytics";
import { colleagueRoutes, type ColleagueRouteDeps } from "./routes/colleagues";
import type { Translations } from "../second-opinion/translations";
import { secondOpinionRoutes } from "./routes/second-opinion";
import { renewalRoutes, type RenewalRouteDeps } from "./routes/renewals";
import { consiliumRoutes, type ConsiliumRouteDeps } from "./routes/consilia";
import type { Rota } from "../rota/rota-service";
import { rotaRoutes } from "./routes/rota";

export interface AppDeps {
  config: Config;
  redis: Redis;
  /** Resolves when Postgres answers (for /readyz). */
  pingDatabase: () => Promise<void>;
  /** The one care-access policy every patient route asks. */
  access: CareAccess;
  audit: AuditRepository;
  doctors: DoctorDirectory;
  staff: StaffService;
  desk: ConsultationDesk;
  specialties: SpecialtyDirectory;
  consents: ConsentService;
  files: StoredFiles;
  events: RedisConsoleEvents;
  /** The built console (console/dist); served at /console when present. */
  consoleDir?: string;
  reminders: ReminderService;
  /** The repeatable jobs the workers keep in Redis: /readyz names the missing ones. */
  schedulers?: { missing(): Promise<string[]> };
  /** Present when a Telegram bot is configured in webhook mode. */
  telegram?: TelegramWebhookHandler;
  video: VideoRouteDeps & { livekit: LiveKitPort; webhooks: LiveKitWebhooks; links: CallLinks };
  /** Protocols, in-person visits, ICD-10 and documents for the console; the patient account. */
  documents?: Omit<ProtocolRouteDeps, "visitRecorders"> & { accounts: AccountService };
  /** Home-device readings and alerts. */
  monitoring?: MonitoringDeps;
  /** Lab orders and results. */
  labs?: LabsDeps;
  /** The disclosure page (issue 15 point 3). */
  about?: AboutDeps;
  /** Identity verification by staff, the red-flag list, the exam page and the identity provider's callback. */
  intake?: IntakeStaffDeps & IntakePublicDeps & { exams: ExamSessions };
  /** Present when a VK community is configured in callback mode. */
  vk?: VkWebhookDeps;
  /** The inbound table: its dead letters for admins. */
  inbound?: InboundStore;
  /** The web chat widget at /widget. */
  widget?: WidgetDeps;
  /** The patient's export and erasure (account), and the secure web chat of private mode. */
  rights?: { data: DataRights; erasure: PatientErasure; secureChat: SecureChat };
  /** HTTP latency per route and `GET /metrics` (bearer METRICS_TOKEN). */
  metrics?: Metrics;
  /** The read api for the clinic's MIS at /fhir/R4, with its own SMART Backend Services tokens. */
  fhir?: FhirRouteDeps;
  /** The admin's figures (waits, groups, bookings, NPS) and their CSV. */
  analytics?: AnalyticsService;
  /** Present when a MAX bot is configured in webhook mode. */
  max?: MaxWebhookDeps;
  /** Ask a colleague: doctor-to-doctor invitations into a case. */
  colleagues?: ColleagueRouteDeps;
  /** Second opinions: translations of the patient's documents by interpreters. */
  secondOpinion?: { translations: Translations };
  /** Push on signing to the clinic's MIS, when configured: its review list for admins. */
  misPush?: MisPush;
  /** The doctors' prescription-renewal queue (issue 18 point 4). */
  renewals?: RenewalRouteDeps;
  /** Consilia: several doctors on one case, one room, one PDF signed by each. */
  consilia?: ConsiliumRouteDeps;
  /** The rota, coverage rules and gaps (issue 22). */
  rota?: Rota;
}

/** Builds the HTTP api without listening, so tests drive it with `app.inject()`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps.config.LOG_LEVEL),
    // Messengers send bursts; a body over 1 MiB is not an update we want.
    bodyLimit: 1024 * 1024,
    // request.ip (and so every per-address limit) comes from X-Forwarded-For only when ops say a proxy sets it.
    trustProxy: deps.config.TRUST_PROXY,
    // One id per request in every log line, answered in X-Request-Id, carried into jobs
    genReqId: (request) => requestIdFrom(request.headers["x-request-id"]),
  }).withTypeProvider<ZodTypeProvider>();
  // Every route the app registers, for the route × role matrix test (test/access-matrix.e2e.test.ts):
  // a route it does not classify fails it.
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) if (method !== "HEAD") routes.push({ method, url: route.url });
  });
  app.decorate("registeredRoutes", routes);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await registerOpenApiDocument(app);
  await registerSecurityHeaders(app, {
    production: deps.config.NODE_ENV === "production",
    livekitUrl: deps.config.LIVEKIT_URL,
    widgetFrameAncestors: deps.config.WIDGET_FRAME_ANCESTORS,
  });
  registerErrorHandler(app);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  // After the body is read (its stream events run outside any context), so the handler and what it awaits see the id.
  app.addHook("preValidation", (request, _reply, done) => runWithRequestId(request.id, done));
  if (deps.metrics) registerMetrics(app, deps.metrics, deps.config.METRICS_TOKEN);
  registerHealth(app, deps);
  await registerRateLimit(app, deps.redis, deps.config.REDIS_PREFIX);
  registerTelegramWebhook(app, deps.config, deps.telegram);
  registerVkWebhook(app, deps.vk);
  registerMaxWebhook(app, deps.max);
  if (deps.widget) {
    await app.register(
      widgetRoutes(deps.widget, {
        sessionsPerMinute: deps.config.RATE_LIMIT_WIDGET_SESSIONS_PER_MINUTE,
        messagesPerMinute: deps.config.RATE_LIMIT_WIDGET_MESSAGES_PER_MINUTE,
      }),
    );
  }
  if (deps.rights) await app.register(secureChatRoutes(deps.rights));
  if (deps.about) await app.register(aboutRoutes(deps.about));
  registerLiveKitWebhook(app, deps.video);
  registerCallPage(app, deps.video, deps.config.LIVEKIT_URL);
  // Devices and laboratories authenticate with their own tokens, not as staff.
  if (deps.monitoring) await app.register(readingsIngestionRoutes(deps.monitoring));
  if (deps.labs) await app.register(labResultsRoutes(deps.labs));
  if (deps.fhir) await app.register(fhirRoutes(deps.fhir, { tokensPerMinute: deps.config.RATE_LIMIT_FHIR_TOKEN_PER_MINUTE }), { prefix: FHIR_PREFIX });
  if (deps.intake) {
    await app.register(intakePublicRoutes(deps.intake));
    await app.register(examPageRoutes(deps.intake));
  }
  await registerCookies(app);
  await app.register(openApiRoutes(deps));
  const sessionTtlMs = deps.config.STAFF_SESSION_TTL_MINUTES * 60_000;
  const cookieSecure = deps.config.STAFF_COOKIE_SECURE ?? deps.config.NODE_ENV === "production";
  await app.register(consoleAuthRoutes({ staff: deps.staff, cookieSecure, sessionTtlMs, loginsPerMinute: deps.config.RATE_LIMIT_LOGIN_PER_MINUTE }), { prefix: "/api/v1" });
  // The console API: every route module registered here requires a staff session or a doctor's bearer token.
  await app.register(
    async (staff) => {
      requireStaff(staff, deps);
      await staff.register(deskRoutes(deps));
      await staff.register(staffAdminRoutes(deps));
      if (deps.inbound) await staff.register(inboundAdminRoutes({ inbound: deps.inbound }));
      await staff.register(misPushAdminRoutes({ misPush: deps.misPush }));
      await staff.register(specialtyRoutes(deps));
      await staff.register(consentTextRoutes(deps));
      await staff.register(consoleEventRoutes(deps));
      await staff.register(videoRoutes(deps.video));
      await staff.register(inPersonRoutes(deps.video));
      if (deps.documents) await staff.register(protocolRoutes({ ...deps.documents, access: deps.access, visitRecorders: deps.config.IN_PERSON_VISIT_RECORDERS }));
      if (deps.monitoring) await staff.register(monitoringStaffRoutes({ ...deps.monitoring, access: deps.access }));
      if (deps.labs) await staff.register(labStaffRoutes({ ...deps.labs, access: deps.access }));
      await staff.register(reminderRoutes(deps));
      if (deps.intake) await staff.register(intakeStaffRoutes({ ...deps.intake, access: deps.access }));
      if (deps.analytics) await staff.register(analyticsRoutes({ analytics: deps.analytics }));
      if (deps.colleagues) await staff.register(colleagueRoutes({ ...deps.colleagues, access: deps.access }));
      if (deps.secondOpinion) await staff.register(secondOpinionRoutes(deps.secondOpinion));
      if (deps.renewals) await staff.register(renewalRoutes({ ...deps.renewals, access: deps.access }));
      if (deps.consilia) await staff.register(consiliumRoutes({ ...deps.consilia, access: deps.access }));
      if (deps.rota) await staff.register(rotaRoutes({ rota: deps.rota }));
    },
    { prefix: "/api/v1" },
  );
  if (deps.consoleDir && existsSync(deps.consoleDir)) {
    await app.register(fastifyStatic, { root: deps.consoleDir, prefix: "/console/" });
    app.get("/console", { schema: { response: { 302: redirect("/console/") } } }, (_request, reply) => reply.redirect("/console/"));
  }
  if (deps.documents) {
    await app.register(
      accountRoutes({
        accounts: deps.documents.accounts,
        secureCookies: deps.config.NODE_ENV === "production",
        defaultLanguage: deps.config.DEFAULT_LANGUAGE,
        rights: deps.rights,
      }),
    );
  }
  return app;
}
