import { z } from "zod";
import { escalationRulesSchema } from "./specialties/escalation-rules";
import { encryptionKeysSchema } from "./files/file-store";
import { defaultMaxMegapixels } from "./attachments/upload-check";
import { labsConfigSchema } from "./labs/labs-config";
import { defaultRetention, retentionPeriodsSchema } from "./rights/retention";
import { visitRecordersSchema } from "./protocols/in-person-visits";
import { defaultRateLimits, frameAncestorsSchema, rateLimitsSchema, url } from "./config-values";

/**
 * All configuration comes from the environment, parsed once at start.
 * Each variable carries an example so an operator sees at once what a good value looks like.
 */
const variables = {
  NODE_ENV: { schema: z.enum(["development", "production", "test"]).default("development"), example: "production" },
  LOG_LEVEL: { schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"), example: "info" },
  PORT: { schema: z.coerce.number().int().min(1).max(65535).default(8080), example: "8080" },
  HOST: { schema: z.string().min(1).default("0.0.0.0"), example: "0.0.0.0" },
  DATABASE_URL: {
    schema: url(["postgresql", "postgres"]).default("postgresql://postgres@127.0.0.1:5432/telecons"),
    example: "postgresql://postgres@127.0.0.1:5432/telecons",
  },
  REDIS_URL: { schema: url(["redis", "rediss"]).default("redis://127.0.0.1:6379"), example: "redis://127.0.0.1:6379" },
  REDIS_PREFIX: {
    schema: z.string().regex(/^[a-zA-Z0-9_-]+$/, "only letters, digits, _ and -").default("telecons"),
    example: "telecons",
  },
  /**
   * Behind a reverse proxy the client's address is in X-Forwarded-For, and the per-address limits must key on it:
   * `true` trusts every proxy, a comma list only these proxies' addresses or CIDRs. Off by default,
   * because a client talking to the api directly could otherwise pick any address it likes.
   */
  TRUST_PROXY: {
    schema: z
      .string()
      .regex(/^(true|false|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/, "must be true, false or a comma list of proxy addresses")
      .default("false")
      .transform((value): boolean | string => (value === "true" ? true : value === "false" ? false : value)),
    example: "127.0.0.1,10.0.0.0/8",
  },
  /** Requests per minute and client address (per visitor for widget messages); a 429 `rate_limited` beyond. */
  RATE_LIMIT_LOGIN_PER_MINUTE: { schema: z.coerce.number().int().min(1).default(10), example: "10" },
  RATE_LIMIT_WIDGET_SESSIONS_PER_MINUTE: { schema: z.coerce.number().int().min(1).default(10), example: "10" },
  RATE_LIMIT_WIDGET_MESSAGES_PER_MINUTE: { schema: z.coerce.number().int().min(1).default(30), example: "30" },
  DEFAULT_LANGUAGE: { schema: z.enum(["ru", "en"]).default("ru"), example: "ru" },
  TELEGRAM_BOT_TOKEN: {
    schema: z.string().regex(/^\d+:[\w-]{20,}$/, "must look like 123456:ABC-DEF... as issued by @BotFather").optional(),
    example: "123456789:AAE-example-token-from-BotFather",
  },
  TELEGRAM_WEBHOOK_SECRET: {
    schema: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of A-Z, a-z, 0-9, _ and -").optional(),
    example: "a-long-random-secret-0123456789",
  },
  TELEGRAM_API_ROOT: { schema: url(["http", "https"]).default("https://api.telegram.org"), example: "https://api.telegram.org" },
  TELEGRAM_MODE: { schema: z.enum(["webhook", "polling"]).default("webhook"), example: "webhook" },
  TELEGRAM_WEBHOOK_URL: {
    schema: url(["https"]).optional(),
    example: "https://telecons.clinic.example/webhooks/telegram",
  },
  OUTBOX_ATTEMPTS: { schema: z.coerce.number().int().min(1).max(1000).default(40), example: "40" },
  OUTBOX_BACKOFF_MS: { schema: z.coerce.number().int().min(1).default(1000), example: "1000" },
  OUTBOX_BACKOFF_MAX_MS: { schema: z.coerce.number().int().min(1).default(300_000), example: "300000" },
  OUTBOX_CLAIM_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(60), example: "60" },
  OUTBOX_SWEEP_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(15), example: "15" },
  INBOUND_ATTEMPTS: { schema: z.coerce.number().int().min(1).max(100).default(5), example: "5" },
  INBOUND_CLAIM_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(60), example: "60" },
  INBOUND_SWEEP_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(15), example: "15" },
  /** Workers look this often for schedulers Redis lost (see workers/schedulers.ts): re-created within a minute. */
  SCHEDULER_CHECK_SECONDS: { schema: z.coerce.number().int().min(1).max(60).default(30), example: "30" },
  FILE_STORAGE_DIR: { schema: z.string().min(1).default("./data/files"), example: "/var/lib/telecons/files" },
  FILE_ENCRYPTION_KEYS: {
    schema: encryptionKeysSchema.optional(),
    example: "2026a:<base64 of 32 random bytes, e.g. from: openssl rand -base64 32>",
  },
  /** Largest image (width × height, in millions of pixels) a patient or staff member may upload; read from the header. */
  UPLOAD_MAX_MEGAPIXELS: { schema: z.coerce.number().positive().max(1000).default(defaultMaxMegapixels), example: "40" },
  /** The api's address as patients and devices reach it: call, account, device and exam links are built on it. */
  PUBLIC_URL: { schema: url(["http", "https"]).default("http://127.0.0.1:8080"), example: "https://telecons.clinic.example" },
  // --- video ---
  LIVEKIT_URL: { schema: url(["ws", "wss"]).default("ws://127.0.0.1:7880"), example: "wss://video.clinic.example" },
  LIVEKIT_API_KEY: { schema: z.string().min(3).default("devkey"), example: "APIxxxxxxxxxxxx" },
  LIVEKIT_API_SECRET: {
    schema: z.string().min(32, "must be at least 32 characters").default("development-secret-not-for-production-use"),
    example: "<at least 32 random characters, e.g. from: openssl rand -base64 32>",
  },
  /** The server API (rooms, egress) when the api reaches LiveKit otherwise than browsers; default: LIVEKIT_URL over http(s). */
  LIVEKIT_API_URL: { schema: url(["http", "https"]).optional(), example: "http://livekit:7880" },
  LIVEKIT_TOKEN_TTL_SECONDS: { schema: z.coerce.number().int().min(30).max(3600).default(300), example: "300" },
  LIVEKIT_RECORDINGS_DIR: { schema: z.string().min(1).default("./data/recordings"), example: "/var/lib/telecons/recordings" },
  VIDEO_LINK_TTL_SECONDS: { schema: z.coerce.number().int().min(60).max(86_400).default(1800), example: "1800" },
  VIDEO_DEFAULT_CONSULT_MINUTES: { schema: z.coerce.number().min(1).max(240).default(15), example: "15" },
  // --- documents ---
  CLINIC_NAME: { schema: z.string().trim().min(1).default("Клиника Телеконс (не настроено)"), example: "ООО «Клиника Здоровье»" },
  CLINIC_LICENSE: { schema: z.string().trim().min(1).default("не настроено"), example: "Л041-01137-77/00368259 от 01.02.2021" },
  CLINIC_ADDRESS: { schema: z.string().trim().min(1).default("не настроено"), example: "125009, Москва, ул. Тверская, д. 1" },
  CLINIC_SEAL_PNG: { schema: z.string().min(1).optional(), example: "/etc/telecons/seal.png" },
  DOCTOR_CERTS_DIR: { schema: z.string().min(1).default("./data/certs"), example: "/etc/telecons/certs" },
  DOCTOR_CERTS_PASSWORD: { schema: z.string().optional(), example: "password-of-the-p12-files" },
  ACCOUNT_LINK_TTL_SECONDS: { schema: z.coerce.number().int().min(30).max(3600).default(600), example: "600" },
  ACCOUNT_SESSION_TTL_SECONDS: { schema: z.coerce.number().int().min(60).max(86_400).default(1800), example: "1800" },
  // --- the law (issue 15) ---
  /** Published on /about (Order 965n p. 46): the information system and who runs it, the personal-data operator. */
  INFORMATION_SYSTEM_NAME: { schema: z.string().trim().min(1).default("Телеконс (не настроено)"), example: "Телеконс, медицинская информационная система клиники" },
  INFORMATION_SYSTEM_OPERATOR: { schema: z.string().trim().min(1).default("не настроено"), example: "ООО «Клиника Здоровье», ИНН 7701234567" },
  PERSONAL_DATA_OPERATOR: { schema: z.string().trim().min(1).default("не настроено"), example: "ООО «Клиника Здоровье», ИНН 7701234567, рег. номер в реестре операторов ПДн 77-21-012345" },
  PERSONAL_DATA_CONTACTS: { schema: z.string().trim().min(1).default("не настроено"), example: "dpo@clinic.example, +7 495 000-00-00, 125009, Москва, ул. Тверская, д. 1" },
  /** Who may record or import in-person visits (what lets a remote consultation diagnose): not any doctor. */
  /** The clinic's policy: the patient is told (in their language) when their doctor asks a colleague about their case. */
  COLLEAGUE_CONSULT_TELL_PATIENT: { schema: z.enum(["true", "false"]).default("true").transform((v) => v === "true"), example: "true" },
  IN_PERSON_VISIT_RECORDERS: { schema: visitRecordersSchema.prefault("admin"), example: "admin" },
  /** A prescription is renewed remotely only while the in-person visit it follows up is at most this old (issue 18). */
  RENEWAL_MAX_VISIT_AGE_DAYS: { schema: z.coerce.number().int().min(1).max(3650).default(365), example: "365" },
  /** Hours a renewal waits for its prescriber before the specialty's doctors see it too (at once when the prescriber left). */
  RENEWAL_PRESCRIBER_HOURS: { schema: z.coerce.number().int().min(0).max(24 * 30).default(48), example: "48" },
  // --- monitoring ---
  LABS_CONFIG: { schema: labsConfigSchema.optional(), example: '[{"id":"lab1","name":"Lab","delivery":{"type":"push","token":"…"}}]' },
  LABS_CONFIG_FILE: { schema: z.string().min(1).optional(), example: "/etc/telecons/labs.json" },
  // --- console ---
  STAFF_SESSION_TTL_MINUTES: { schema: z.coerce.number().int().min(5).max(7 * 24 * 60).default(720), example: "720" },
  STAFF_MAX_FAILED_LOGINS: { schema: z.coerce.number().int().min(1).max(100).default(5), example: "5" },
  STAFF_LOCKOUT_MINUTES: { schema: z.coerce.number().int().min(1).max(24 * 60).default(15), example: "15" },
  /** Behind TLS in production; plain http only on a developer's machine or in tests. */
  STAFF_COOKIE_SECURE: { schema: z.enum(["true", "false"]).transform((v) => v === "true").optional(), example: "true" },
  ESCALATE_AFTER_MINUTES: { schema: escalationRulesSchema.prefault("*:120"), example: "gp:60,dermatology:240,*:120" },
  ESCALATE_URGENT_AFTER_MINUTES: { schema: z.coerce.number().int().min(0).max(1440).default(5), example: "5" },
  ESCALATION_SWEEP_SECONDS: { schema: z.coerce.number().int().min(1).max(3600).default(60), example: "60" },
  /** The clinic's Telegram chat (a group's id, e.g. -1001234567890) that gets the daily rota gaps digest; unset: none. */
  COVERAGE_DIGEST_CHAT_ID: { schema: z.string().regex(/^-?\d{1,20}$|^@\w{5,32}$/, "must be a Telegram chat id such as -1001234567890 or @channel").optional(), example: "-1001234567890" },
  /** The Moscow hour from which the day's digest goes (the first hourly check from then on sends it). */
  COVERAGE_DIGEST_HOUR: { schema: z.coerce.number().int().min(0).max(23).default(9), example: "9" },
  // --- reminders ---
  OUTBOX_RATE_LIMITS: { schema: rateLimitsSchema.prefault(defaultRateLimits), example: "telegram:30:1100,vk:20:0" },
  REMINDERS_TICK_MS: { schema: z.coerce.number().int().min(100).default(15_000), example: "15000" },
  REMINDERS_SNOOZE_MINUTES: { schema: z.coerce.number().int().min(1).max(24 * 60).default(15), example: "15" },
  // --- intake ---
  /** `log`: development, the text goes to SMS_DEV_FILE (never the log; refused in production); `http`: a generic gateway; `smsru`: SMS.ru. */
  SMS_PROVIDER: { schema: z.enum(["log", "http", "smsru"]).default("log"), example: "smsru" },
  SMS_DEV_FILE: { schema: z.string().min(1).default("./data/sms-outbox.txt"), example: "./data/sms-outbox.txt" },
  SMS_HTTP_URL: { schema: url(["http", "https"]).optional(), example: "https://sms-gateway.clinic.example/send" },
  SMS_HTTP_TOKEN: { schema: z.string().min(8).optional(), example: "<the gateway's API token>" },
  SMS_RU_API_ID: { schema: z.string().min(8).optional(), example: "<api_id from the SMS.ru account>" },
  SMS_RU_FROM: { schema: z.string().min(1).max(11).optional(), example: "Telecons" },
  SMS_RU_API_ROOT: { schema: url(["http", "https"]).default("https://sms.ru"), example: "https://sms.ru" },
  SMS_CODE_TTL_SECONDS: { schema: z.coerce.number().int().min(60).max(3600).default(300), example: "300" },
  SMS_CODE_MAX_ATTEMPTS: { schema: z.coerce.number().int().min(1).max(10).default(5), example: "5" },
  /** OpenID Connect identity provider (ESIA / Gosuslugi through its OIDC interface); `/verify` is off without it. */
  OIDC_ISSUER: { schema: url(["http", "https"]).optional(), example: "https://esia.gosuslugi.ru" },
  OIDC_CLIENT_ID: { schema: z.string().min(1).optional(), example: "telecons-clinic" },
  OIDC_CLIENT_SECRET: { schema: z.string().min(1).optional(), example: "s3cr3t" },
  /** How long a body-map link (VK, widget) stays valid, and how old a Telegram Mini App's initData may be. */
  EXAM_LINK_TTL_SECONDS: { schema: z.coerce.number().int().min(60).max(86_400).default(3600), example: "3600" },
  IDENTITY_LINK_TTL_SECONDS: { schema: z.coerce.number().int().min(60).max(86_400).default(900), example: "900" },
  // --- channels ---
  VK_TOKEN: { schema: z.string().min(20).optional(), example: "vk1.a.community-token-with-messages-and-photos-rights" },
  VK_GROUP_ID: { schema: z.coerce.number().int().positive().optional(), example: "123456789" },
  VK_MODE: { schema: z.enum(["callback", "longpoll"]).default("callback"), example: "callback" },
  VK_SECRET: {
    schema: z.string().regex(/^[A-Za-z0-9]{8,50}$/, "must be 8-50 letters and digits, as VK's Callback API allows").optional(),
    example: "aLongCallbackSecret123",
  },
  VK_CONFIRMATION: { schema: z.string().regex(/^[A-Za-z0-9]{4,64}$/).optional(), example: "a1b2c3d4" },
  VK_API_ROOT: { schema: url(["http", "https"]).default("https://api.vk.ru/method"), example: "https://api.vk.ru/method" },
  // --- MAX (issue 20) ---
  MAX_BOT_TOKEN: { schema: z.string().min(20).optional(), example: "<the bot's token from business.max.ru: Chat-bots, the bot, Settings>" },
  MAX_MODE: { schema: z.enum(["webhook", "polling"]).default("webhook"), example: "webhook" },
  MAX_WEBHOOK_SECRET: {
    schema: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of A-Z, a-z, 0-9, _ and -").optional(),
    example: "a-long-random-secret-0123456789",
  },
  /** Where MAX posts updates: HTTPS with a certificate from a trusted CA (MAX refuses plain HTTP and self-signed since 25 May 2026). */
  MAX_WEBHOOK_URL: { schema: url(["https"]).optional(), example: "https://telecons.clinic.example/webhooks/max" },
  MAX_API_URL: { schema: url(["http", "https"]).default("https://platform-api2.max.ru"), example: "https://platform-api2.max.ru" },
  WIDGET_SECRET: {
    schema: z.string().min(32, "must be at least 32 characters").default("development-widget-secret-not-for-production"),
    example: "<at least 32 random characters, e.g. from: openssl rand -base64 32>",
  },
  /** CSP frame-ancestors of /widget: the clinic's site(s) that embed it with /widget/embed.js, space-separated. */
  WIDGET_FRAME_ANCESTORS: { schema: frameAncestorsSchema.prefault("'self'"), example: "https://clinic.example https://www.clinic.example" },
  WIDGET_FILE_LINK_TTL_SECONDS: { schema: z.coerce.number().int().min(30).max(3600).default(300), example: "300" },
  /** A visitor token's lifetime; the open page renews it, so only a longer absence starts a new conversation. */
  WIDGET_TOKEN_TTL_SECONDS: { schema: z.coerce.number().int().min(300).max(90 * 86_400).default(7 * 86_400), example: "604800" },
  LINK_CODE_TTL_SECONDS: { schema: z.coerce.number().int().min(60).max(3600).default(600), example: "600" },
  // --- data rights and private mode ---
  /** `false`: doctors' replies, their files and alerts reach Telegram/VK only as a notice with a link to the web chat. */
  CLINICAL_CONTENT_IN_MESSENGERS: { schema: z.enum(["true", "false"]).default("true").transform((v) => v === "true"), example: "false" },
  SECURE_CHAT_LINK_TTL_SECONDS: { schema: z.coerce.number().int().min(300).max(7 * 86_400).default(86_400), example: "86400" },
  // --- observability (issue 19) ---
  /** Prometheus presents it as a bearer token at /metrics (api) and on METRICS_PORT (workers); required in production. */
  METRICS_TOKEN: { schema: z.string().min(32, "must be at least 32 characters").optional(), example: "<at least 32 random characters, e.g. from: openssl rand -hex 24>" },
  /** Where a separate workers process (npm run start:workers) serves its own /metrics; 0 = none. */
  METRICS_PORT: { schema: z.coerce.number().int().min(0).max(65535).default(9464), example: "9464" },
  /** Per kind of record, `<n>d` or `<n>y` (core/rights/retention.ts; legal basis in README). */
  RETENTION_PERIODS: { schema: retentionPeriodsSchema.prefault(defaultRetention), example: "medical_record:25y,delivery_copy:90d,unfinished_intake:30d" },
  // --- FHIR export (issue 20) ---
  /** Lifetime of an access token the FHIR token endpoint issues to the MIS (SMART Backend Services suggests 5 minutes). */
  FHIR_ACCESS_TOKEN_TTL_SECONDS: { schema: z.coerce.number().int().min(60).max(3600).default(300), example: "300" },
  /** Token requests a minute per address at /fhir/R4/auth/token (an assertion is signed per request: a MIS needs few). */
  RATE_LIMIT_FHIR_TOKEN_PER_MINUTE: { schema: z.coerce.number().int().min(1).default(20), example: "20" },
  /** The clinic's MIS FHIR R4 base: each signed protocol version is POSTed there as a transaction Bundle. Unset: nothing is pushed. */
  MIS_FHIR_URL: { schema: url(["https", "http"]).optional(), example: "https://mis.clinic.example/fhir" },
  /** Sent as `Authorization: Bearer …` with every push (a long-lived API token the MIS issued for Telecons). */
  MIS_BEARER_TOKEN: { schema: z.string().min(16, "must be at least 16 characters").optional(), example: "<the API token the MIS issued>" },
  /** Deliveries tried per protocol version before it goes to the admin's review list; the wait doubles each time. */
  MIS_PUSH_ATTEMPTS: { schema: z.coerce.number().int().min(1).max(30).default(8), example: "8" },
  MIS_PUSH_BACKOFF_MS: { schema: z.coerce.number().int().min(10).default(30_000), example: "30000" },
} as const;

type Variables = typeof variables;
export type Config = { [K in keyof Variables]: z.output<Variables[K]["schema"]> };

const configSchema = z
  .object(Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.schema])) as {
    [K in keyof Variables]: Variables[K]["schema"];
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === "production" && !config.FILE_ENCRYPTION_KEYS) {
      ctx.addIssue({ code: "custom", path: ["FILE_ENCRYPTION_KEYS"], message: "is required in production" });
    }
    if (config.NODE_ENV === "production" && config.LIVEKIT_API_SECRET.startsWith("development-")) {
      ctx.addIssue({ code: "custom", path: ["LIVEKIT_API_SECRET"], message: "must be set in production" });
    }
    if (config.NODE_ENV === "production" && !config.METRICS_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["METRICS_TOKEN"], message: "is required in production (/metrics is open without it)" });
    }
    // --- intake ---
    if (config.NODE_ENV === "production" && config.SMS_PROVIDER === "log") {
      ctx.addIssue({ code: "custom", path: ["SMS_PROVIDER"], message: "log sends nothing and is refused in production: use smsru with SMS_RU_API_ID, or http with SMS_HTTP_URL and SMS_HTTP_TOKEN" });
    }
    if (config.SMS_PROVIDER === "http") {
      for (const name of ["SMS_HTTP_URL", "SMS_HTTP_TOKEN"] as const) {
        if (!config[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when SMS_PROVIDER is http" });
      }
    }
    if (config.SMS_PROVIDER === "smsru" && !config.SMS_RU_API_ID) {
      ctx.addIssue({ code: "custom", path: ["SMS_RU_API_ID"], message: "is required when SMS_PROVIDER is smsru" });
    }
    // --- channels ---
    if (config.VK_TOKEN && !config.VK_GROUP_ID) {
      ctx.addIssue({ code: "custom", path: ["VK_GROUP_ID"], message: "is required when VK_TOKEN is set" });
    }
    if (config.VK_TOKEN && config.VK_MODE === "callback" && (!config.VK_SECRET || !config.VK_CONFIRMATION)) {
      const path = [config.VK_SECRET ? "VK_CONFIRMATION" : "VK_SECRET"];
      ctx.addIssue({ code: "custom", path, message: "is required when VK_TOKEN is set and VK_MODE is callback" });
    }
    if (config.MAX_BOT_TOKEN && config.MAX_MODE === "webhook" && !config.MAX_WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["MAX_WEBHOOK_SECRET"], message: "is required when MAX_BOT_TOKEN is set and MAX_MODE is webhook" });
    }
    if (config.COVERAGE_DIGEST_CHAT_ID && !config.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["COVERAGE_DIGEST_CHAT_ID"], message: "needs TELEGRAM_BOT_TOKEN (the digest goes through the clinic's bot)" });
    }
    if (config.MIS_FHIR_URL && !config.MIS_BEARER_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["MIS_BEARER_TOKEN"], message: "is required when MIS_FHIR_URL is set" });
    }
    if (config.NODE_ENV === "production" && config.WIDGET_SECRET.startsWith("development-")) {
      ctx.addIssue({ code: "custom", path: ["WIDGET_SECRET"], message: "must be set in production" });
    }
    if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_MODE === "webhook" && !config.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["TELEGRAM_WEBHOOK_SECRET"],
        message: "is required when TELEGRAM_BOT_TOKEN is set and TELEGRAM_MODE is webhook",
      });
    }
  });

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment; an empty string counts as unset so `FOO=` in an .env file means "use the default". */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input = Object.fromEntries(
    Object.keys(variables).map((name) => [name, env[name] === "" ? undefined : env[name]]),
  );
  const result = configSchema.safeParse(input);
  if (result.success) return result.data as Config;
  // One line per variable: its first problem is the one to fix first.
  const problems = new Map<keyof Variables, string>();
  for (const issue of result.error.issues) {
    const name = String(issue.path[0]) as keyof Variables;
    const shown = issue.code === "invalid_type" && input[name] === undefined ? "is missing" : issue.message;
    if (!problems.has(name)) problems.set(name, `${name}: ${shown} (example: ${name}=${variables[name].example})`);
  }
  throw new ConfigError([...problems.values()]);
}

/** For entry points: print one line per problem and stop the process. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
