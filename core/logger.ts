import { createHash } from "node:crypto";
import { pino, type Logger, type LoggerOptions } from "pino";
import { currentRequestId } from "./request-context";

/**
 * Paths and query parameters that carry a secret: the call link, the exam link, the account login link, the
 * widget's visitor token and file-link signature, the identity provider's one-time code and state.
 */
const secretPathSegments = [/^(\/call\/)([^/?#]+)/, /^(\/exam\/link\/)([^/?#]+)/];
const secretQueryKeys = new Set(["token", "ticket", "s", "code", "state", "initData"]);

/** A short hash instead of the secret: requests of one link stay traceable in the log, the link itself is not there. */
const fingerprint = (secret: string) => `~${createHash("sha256").update(secret).digest("hex").slice(0, 8)}`;

/** The request url as it may appear in a log: secrets in the path or the query replaced by their fingerprint. */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf("?");
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  for (const pattern of secretPathSegments) path = path.replace(pattern, (_all, prefix: string, secret: string) => prefix + fingerprint(secret));
  if (queryAt === -1) return path;
  const query = url
    .slice(queryAt + 1)
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const key = equals === -1 ? pair : pair.slice(0, equals);
      return equals !== -1 && secretQueryKeys.has(decodeURIComponentSafe(key)) ? `${key}=${fingerprint(pair.slice(equals + 1))}` : pair;
    })
    .join("&");
  return `${path}?${query}`;
}

const decodeURIComponentSafe = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Health data never reaches the logs: message texts, tokens and secrets are redacted wherever they appear. */
export const loggerOptions = (level: string): LoggerOptions => ({
  level,
  // Every line written while serving a request, or running a job queued by one, names the request (workers/job-queues.ts).
  mixin: () => {
    const requestId = currentRequestId();
    return requestId ? { requestId } : {};
  },
  serializers: {
    // Fastify's own request serializer, but with the secrets of the url replaced (headers are not logged at all).
    req: (req: LoggedRequest) => ({
      method: req.method,
      url: req.url === undefined ? undefined : redactUrl(req.url),
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    }),
  },
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
