import { randomInt, randomUUID } from "node:crypto";
import { inject } from "vitest";
import { compose, type Services } from "../../bin/compose";
import { loadConfig } from "../../core/config";
import type { IntakeReader } from "../../core/consultations/intake-reader";
import { walkIntake } from "./intake-steps";
import { TelegramStandIn, telegramUpdates, type StandInLimits } from "./telegram-stand-in";
import { VkStandIn } from "./vk-stand-in"; // --- channels ---
import { MaxStandIn } from "./max-stand-in"; // --- MAX ---

export const WEBHOOK_SECRET = "test-webhook-secret-0123456789";

/** A whole service (api + workers) on the test database, its own Redis prefix and a Telegram stand-in. */
export async function startHarness(
  env: Record<string, string> = {},
  options: { intake?: IntakeReader; telegram?: { limits?: StandInLimits; latencyMs?: number }; workers?: boolean } = {},
) {
  const telegram = await new TelegramStandIn(undefined, options.telegram).start();
  const vk = await new VkStandIn().start(); // --- channels ---
  const max = await new MaxStandIn().start(); // --- MAX ---
  const services: Services = compose(
    loadConfig({
      DATABASE_URL: inject("databaseUrl"),
      REDIS_PREFIX: `${inject("redisPrefix")}-${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: "silent",
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OUTBOX_BACKOFF_MS: "50",
      OUTBOX_BACKOFF_MAX_MS: "400",
      // The suites share one database and the outbox sweep is not scoped to a deployment: a short sweep would
      // send another suite's waiting rows through this suite's stand-in. Tests of the sweep use their own database.
      OUTBOX_SWEEP_SECONDS: "60",
      // Conversations in tests would wait a second per message under Telegram's real per-chat limit;
      // test/reminders-fanout.e2e.test.ts runs the real limits against a stand-in that enforces them.
      OUTBOX_RATE_LIMITS: "telegram:200:20,vk:200:0,web:1000:0,max:200:0",
      // --- channels ---
      VK_TOKEN: vk.token,
      VK_GROUP_ID: String(vk.groupId),
      VK_SECRET: vk.secret,
      VK_CONFIRMATION: vk.confirmation,
      VK_API_ROOT: vk.apiRoot,
      // --- MAX ---
      MAX_BOT_TOKEN: max.token,
      MAX_WEBHOOK_SECRET: max.secret,
      MAX_API_URL: max.base,
      // Tests log in and open widget sessions far faster than people; test/signin.e2e.test.ts tests the limits.
      RATE_LIMIT_LOGIN_PER_MINUTE: "100000",
      RATE_LIMIT_WIDGET_SESSIONS_PER_MINUTE: "100000",
      RATE_LIMIT_WIDGET_MESSAGES_PER_MINUTE: "100000",
      RATE_LIMIT_FHIR_TOKEN_PER_MINUTE: "100000",
      ...env,
    }),
    { intake: options.intake },
  );
  const app = await services.startApi();
  if (options.workers !== false) await services.startWorkers();
  let updateId = randomInt(1, 2 ** 31);

  return {
    telegram,
    vk,
    max, // --- MAX ---
    services,
    app,
    db: services.db,
    /** A new patient: a Telegram user id no other test uses. */
    newPatient: (languageCode = "ru") => ({ id: randomInt(10_000_000, 2 ** 40), languageCode }),
    nextUpdateId: () => ++updateId,
    /** `secret: null` sends no secret header at all. */
    postUpdate: (update: unknown, secret: string | null = WEBHOOK_SECRET) =>
      app.inject({
        method: "POST",
        url: "/webhooks/telegram",
        headers: secret === null ? {} : { "x-telegram-bot-api-secret-token": secret },
        payload: update as object,
      }),
    /** Waits until the inbound worker has handled the stored event (the webhook only stores it). */
    async settled(eventId: string, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const row = await services.db.inboundEvent.findUnique({ where: { id: eventId }, select: { status: true } });
        if (row && row.status !== "pending") return row.status;
        if (Date.now() > until) throw new Error(`inbound event ${eventId} still ${row?.status ?? "missing"} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** Posts the update and waits until the dialogue has handled it, as a patient's next message would. */
    async deliver(update: { update_id: number }) {
      const response = await this.postUpdate(update);
      if (response.statusCode !== 200) throw new Error(`webhook answered ${response.statusCode}: ${response.body}`);
      await this.settled(`telegram-${telegram.token.split(":")[0]}-${update.update_id}`);
    },
    async say(user: { id: number; languageCode?: string }, text: string) {
      await this.deliver(telegramUpdates.text(this.nextUpdateId(), user, text));
    },
    async press(user: { id: number; languageCode?: string }, data: string) {
      await this.deliver(telegramUpdates.button(this.nextUpdateId(), user, data));
    },
    /** Gives both consents, as a patient pressing the buttons would. */
    async onboard(user: { id: number; languageCode?: string }) {
      await this.say(user, "/start");
      await this.press(user, "consent:personal_data:yes");
      await this.press(user, "consent:remote_care:yes");
    },
    /** The patient as a reusable chat driver (test/helpers/intake-steps.ts). */
    chat(user: { id: number; languageCode?: string }) {
      return { say: (text: string) => this.say(user, text), press: (data: string) => this.press(user, data) };
    },
    /** Consents given, the shortest intake to an asynchronous consultation with `complaint` as its first message. */
    async openConsultation(user: { id: number; languageCode?: string }, complaint: string) {
      await this.onboard(user);
      await walkIntake(this.chat(user), complaint);
    },
    /**
     * A consultation of this patient the doctor held a month ago: the care relationship every clinical route asks
     * for (core/access/care-access.ts). Closed long enough ago that no rating request follows it.
     */
    async careOf(doctorId: string, patientId: string) {
      const account = await services.db.messengerAccount.findFirstOrThrow({ where: { patientId } });
      const closedAt = new Date(Date.now() - 30 * 86_400_000);
      await services.db.consultation.create({
        data: { patientId, accountId: account.id, doctorId, kind: "async_chat", status: "closed", createdAt: closedAt, takenAt: closedAt, closedAt, outcome: "advice_given" },
      });
    },
    async newDoctor(name = "Anna Petrova") {
      return services.doctors.create({ name, specialties: ["gp"], languages: ["ru", "en"] });
    },
    async close() {
      await services.close();
      await telegram.stop();
      await vk.stop();
      await max.stop();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
