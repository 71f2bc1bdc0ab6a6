import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

const sign = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("base64url");
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Signed tokens of the web chat, with no server-side state: the anonymous visitor's id (kept by the page
 * in localStorage) and short-lived links to a file the clinic sent that visitor.
 */
export class WebTokens {
  constructor(
    private readonly secret: string,
    private readonly fileLinkTtlSeconds: number,
  ) {}

  newVisitor(): { visitorId: string; token: string } {
    const visitorId = randomUUID();
    return { visitorId, token: `${visitorId}.${sign(this.secret, `visitor:${visitorId}`)}` };
  }

  visitorOf(token: string | undefined): string | undefined {
    const [visitorId, signature] = (token ?? "").split(".");
    if (!visitorId || !signature || !/^[0-9a-f-]{36}$/.test(visitorId)) return undefined;
    return same(signature, sign(this.secret, `visitor:${visitorId}`)) ? visitorId : undefined;
  }

  /** A query string for `/widget/files/<fileId>` valid for this visitor only and only for a few minutes. */
  fileLinkQuery(visitorId: string, fileId: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + this.fileLinkTtlSeconds;
    const signature = sign(this.secret, `file:${visitorId}:${fileId}:${expires}`);
    return new URLSearchParams({ v: visitorId, e: String(expires), s: signature }).toString();
  }

  checkFileLink(fileId: string, query: { v: string; e: string; s: string }, now = Date.now()): string | undefined {
    if (Number(query.e) < now / 1000) return undefined;
    return same(query.s, sign(this.secret, `file:${query.v}:${fileId}:${query.e}`)) ? query.v : undefined;
  }
}
