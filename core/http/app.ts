import Fastify, { type FastifyInstance } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Redis } from "ioredis";
import type { Config } from "../config";
import type { ConsultationService } from "../consultations/consultation-service";
import type { Db } from "../db/prisma";
import type { DoctorDirectory } from "../doctors/doctors";
import { loggerOptions } from "../logger";
import { consultationRoutes, requireDoctor } from "./routes/consultations";
import { registerErrorHandler } from "./error-handler";
import { registerHealth } from "./routes/health";
import { registerTelegramWebhook, type TelegramWebhookHandler } from "./routes/telegram-webhook";
import { labResultsRoutes, labStaffRoutes, type LabsDeps } from "./routes/labs";
import { monitoringStaffRoutes, readingsIngestionRoutes, type MonitoringDeps } from "./routes/readings";

export interface AppDeps {
  config: Config;
  db: Db;
  redis: Redis;
  doctors: DoctorDirectory;
  consultations: ConsultationService;
  /** Present when a Telegram bot is configured in webhook mode. */
  telegram?: TelegramWebhookHandler;
  /** Home-device readings and alerts. */
  monitoring?: MonitoringDeps;
  /** Lab orders and results. */
  labs?: LabsDeps;
}

/** Builds the HTTP api without listening, so tests drive it with `app.inject()`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps.config.LOG_LEVEL),
    // Messengers send bursts; a body over 1 MiB is not an update we want.
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerHealth(app, deps);
  registerTelegramWebhook(app, deps.config, deps.telegram);
  // Devices and laboratories authenticate with their own tokens, not as staff.
  if (deps.monitoring) await app.register(readingsIngestionRoutes(deps.monitoring));
  if (deps.labs) await app.register(labResultsRoutes(deps.labs));
  // The console API: every route module registered here requires staff authentication.
  await app.register(
    async (staff) => {
      requireDoctor(staff, deps.doctors);
      await staff.register(consultationRoutes(deps));
      if (deps.monitoring) await staff.register(monitoringStaffRoutes(deps.monitoring));
      if (deps.labs) await staff.register(labStaffRoutes(deps.labs));
    },
    { prefix: "/api/v1" },
  );
  return app;
}
