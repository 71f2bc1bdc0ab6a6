/**
 * Every Redis key, channel and namespace the service writes, in one place: a new one is checked here against the
 * others, and `SCAN`s and erasures know what exists. All start with the deployment's `REDIS_PREFIX` (tests give
 * each run its own). BullMQ adds its own `<prefix>:<queue>:…` keys for the queues named in `queueNames`.
 */
export const queueNames = {
  outbox: "outbox",
  inbound: "inbound",
  video: "video",
  documents: "documents",
  readings: "readings",
  labs: "labs",
  escalation: "escalation",
  reminders: "reminders",
  retention: "retention",
  misPush: "mis-push",
  coverage: "coverage",
} as const;

export const redisKeys = (prefix: string) => ({
  /** The waiting queue of one specialty and language: a sorted set of visit ids by arrival (urgent first). */
  videoQueue: (specialty: string, language: string) => `${prefix}:video:q:${specialty}:${language}`,
  /** Every waiting queue, and the specialty and language back from one's key. */
  videoQueuePattern: `${prefix}:video:q:*`,
  videoQueueOf: (key: string) => key.slice(`${prefix}:video:q:`.length).split(":") as [string?, string?],
  /** Lock: one job at a time recomputes a waiting queue. */
  videoQueueLock: (specialty: string, language: string) => `${prefix}:video:q-lock:${specialty}:${language}`,
  /** What each waiting patient was last told (a hash by visit id). */
  videoNotices: `${prefix}:video:notices`,
  /** Lock: the first doctor to accept a request wins. */
  videoClaim: (visitId: string) => `${prefix}:video:claim:${visitId}`,
  callLink: (tokenHash: string) => `${prefix}:video:link:${tokenHash}`,
  currentCallLink: (visitId: string, identity: string) => `${prefix}:video:link-current:${visitId}:${identity}`,
  videoEvents: `${prefix}:video:events`,
  /** Pub/sub: inbound events were stored (core/inbound/inbound-bell.ts). */
  inboundStored: `${prefix}:inbound-stored`,
  consoleEvents: `${prefix}:console-events`,
  /** The cache keys of a revoked ingestion token: every api process drops them (core/monitoring/token-cache.ts). */
  ingestionTokenRevoked: `${prefix}:ingestion-token-revoked`,
  /** Rate limits: the outbox's per-messenger sends (a log, a pause flag, a per-chat gap). */
  sendRate: (channel: string) => `${prefix}:rate:${channel}`,
  /** Rate limits: per-address request counters of the http api (@fastify/rate-limit). */
  httpRateLimit: `${prefix}:rate-limit:`,
  webInbox: (visitorId: string) => `${prefix}:web:${visitorId}:inbox`,
  webInboxChannel: (visitorId: string) => `${prefix}:web:${visitorId}:new`,
  webVisitorOf: (channel: string) => channel.slice(`${prefix}:web:`.length, -":new".length),
  smsCode: (patientId: string) => `${prefix}:sms-code:${patientId}`,
  phoneAwait: (patientId: string, what: "number" | "code") => `${prefix}:phone-await:${what}:${patientId}`,
  oidcState: (state: string) => `${prefix}:oidc-state:${state}`,
  examLink: (tokenHash: string) => `${prefix}:exam-link:${tokenHash}`,
  secureChat: (tokenHash: string) => `${prefix}:secure-chat:${tokenHash}`,
  /** A staff member's console session, by the hash of its token. */
  staffSession: (tokenHash: string) => `${prefix}:staff-session:${tokenHash}`,
  /** Sign-in per account and address (hashed): wrong attempts counted, and addresses that signed in before. */
  staffLogin: (kind: "known" | "attempts", staffId: string, addressHash: string) => `${prefix}:staff-login:${kind}:${staffId}:${addressHash}`,
  staffLoginAttemptsPattern: (staffId: string) => `${prefix}:staff-login:attempts:${staffId}:*`,
  /** Cross-messenger link codes: the code's patient, the patient's current code, an account's wrong tries. */
  linkCode: (code: string) => `${prefix}:link:code:${code}`,
  linkCodeOfPatient: (patientId: string) => `${prefix}:link:patient:${patientId}`,
  linkAttempts: (accountId: string) => `${prefix}:link:attempts:${accountId}`,
});
