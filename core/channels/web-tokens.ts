import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

const sign = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("base64url");
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const seconds = (now: number) => Math.floor(now / 1000);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An EventSource cannot send a header, so the stream is opened with a ticket that is useless a minute later. */
export const EVENTS_TICKET_TTL_SECONDS = 60;

export type VisitorCheck = { ok: true; visitorId: string; expiresAt: number } | { ok: false; reason: "invalid" | "expired" };

/**
 * Signed tokens of the web chat, with no server-side state: the anonymous visitor's token (kept by the page
 * in localStorage), the ticket that opens the reply stream, and short-lived links to a file the clinic sent.
 *
 * A visitor token is `<visitorId>.<expires>.<signature>`. It expires `visitorTtlSeconds` after it was issued and
 * the page renews it while it is open, so a visitor who comes back within the lifetime keeps their conversation,
 * and a token copied from a shared computer stops opening it once that time has passed.
 */
export class WebTokens {
  constructor(
    private readonly secret: string,
    private readonly settings: { fileLinkTtlSeconds: number; visitorTtlSeconds: number },
  ) {}

  newVisitor(now = Date.now()): { visitorId: string; token: string; expiresAt: number } {
    const visitorId = randomUUID();
    return { visitorId, ...this.renew(visitorId, now) };
  }

  /** A fresh token for a visitor whose current token is still valid (the caller checks that). */
  renew(visitorId: string, now = Date.now()): { token: string; expiresAt: number } {
    const expiresAt = seconds(now) + this.settings.visitorTtlSeconds;
    return { token: `${visitorId}.${expiresAt}.${sign(this.secret, `visitor:${visitorId}:${expiresAt}`)}`, expiresAt };
  }

  checkVisitor(token: string | undefined, now = Date.now()): VisitorCheck {
    const [visitorId, expires, signature, extra] = (token ?? "").split(".");
    if (!visitorId || !expires || !signature || extra !== undefined || !UUID.test(visitorId) || !/^\d{1,12}$/.test(expires)) {
      return { ok: false, reason: "invalid" };
    }
    if (!same(signature, sign(this.secret, `visitor:${visitorId}:${expires}`))) return { ok: false, reason: "invalid" };
    if (Number(expires) <= seconds(now)) return { ok: false, reason: "expired" };
    return { ok: true, visitorId, expiresAt: Number(expires) };
  }

  visitorOf(token: string | undefined, now = Date.now()): string | undefined {
    const check = this.checkVisitor(token, now);
    return check.ok ? check.visitorId : undefined;
  }

  /** What opens `/widget/api/events` for a minute: a leaked url is worth nothing after that. */
  eventsTicket(visitorId: string, now = Date.now()): string {
    const expires = seconds(now) + EVENTS_TICKET_TTL_SECONDS;
    return `${visitorId}.${expires}.${sign(this.secret, `events:${visitorId}:${expires}`)}`;
  }

  visitorOfTicket(ticket: string | undefined, now = Date.now()): string | undefined {
    const [visitorId, expires, signature] = (ticket ?? "").split(".");
    if (!visitorId || !expires || !signature || !UUID.test(visitorId) || Number(expires) <= seconds(now)) return undefined;
    return same(signature, sign(this.secret, `events:${visitorId}:${expires}`)) ? visitorId : undefined;
  }

  /** A query string for `/widget/files/<fileId>` valid for this visitor only and only for a few minutes. */
  fileLinkQuery(visitorId: string, fileId: string, now = Date.now()): string {
    const expires = seconds(now) + this.settings.fileLinkTtlSeconds;
    const signature = sign(this.secret, `file:${visitorId}:${fileId}:${expires}`);
    return new URLSearchParams({ v: visitorId, e: String(expires), s: signature }).toString();
  }

  checkFileLink(fileId: string, query: { v: string; e: string; s: string }, now = Date.now()): string | undefined {
    if (Number(query.e) < now / 1000) return undefined;
    return same(query.s, sign(this.secret, `file:${query.v}:${fileId}:${query.e}`)) ? query.v : undefined;
  }
}
