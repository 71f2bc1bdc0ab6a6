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
import type { ReminderService } from "../reminders/reminder-service";
import { reminderRoutes } from "./routes/reminders";
import { registerTelegramWebhook, type TelegramWebhookHandler } from "./routes/telegram-webhook";

export interface AppDeps {
  config: Config;
  db: Db;
  redis: Redis;
  doctors: DoctorDirectory;
  consultations: ConsultationService;
  reminders: ReminderService;
  /** Present when a Telegram bot is configured in webhook mode. */
  telegram?: TelegramWebhookHandler;
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
  // The console API: every route module registered here requires staff authentication.
  await app.register(
    async (staff) => {
      requireDoctor(staff, deps.doctors);
      await staff.register(consultationRoutes(deps));
      await staff.register(reminderRoutes(deps));
    },
    { prefix: "/api/v1" },
  );
  return app;
}
