import { pino, type Logger, type LoggerOptions } from "pino";

/** Health data never reaches the logs: message texts, tokens and secrets are redacted wherever they appear. */
export const loggerOptions = (level: string): LoggerOptions => ({
  level,
  redact: {
    paths: [
      "req.headers.authorization",
      'req.headers["x-telegram-bot-api-secret-token"]',
      "*.text",
      "*.caption",
      "*.token",
      "*.payload",
      "body",
    ],
    censor: "[redacted]",
  },
});

export const createLogger = (level: string): Logger => pino(loggerOptions(level));
export type { Logger };
