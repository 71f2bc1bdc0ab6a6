import { describe, expect, it } from "vitest";
import { WebTokens } from "./web-tokens";

const day = 86_400_000;
const tokens = new WebTokens("a-test-secret-of-at-least-32-characters", { fileLinkTtlSeconds: 300, visitorTtlSeconds: 7 * 86_400 });
const start = Date.parse("2026-12-01T10:00:00Z");

describe("web chat visitor tokens", () => {
  it("expire after their lifetime, and a renewal keeps the visitor", () => {
    const { visitorId, token } = tokens.newVisitor(start);
    expect(tokens.checkVisitor(token, start + 6 * day)).toMatchObject({ ok: true, visitorId });
    expect(tokens.checkVisitor(token, start + 7 * day)).toEqual({ ok: false, reason: "expired" });

    const renewed = tokens.renew(visitorId, start + 6 * day);
    expect(renewed.token).not.toBe(token);
    expect(tokens.checkVisitor(renewed.token, start + 12 * day)).toMatchObject({ ok: true, visitorId });
    expect(tokens.checkVisitor(renewed.token, start + 13 * day)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a forged, a stretched and an old-format token as invalid", () => {
    const { visitorId, token } = tokens.newVisitor(start);
    const [, expires, signature] = token.split(".");
    expect(tokens.checkVisitor(`${visitorId}.${Number(expires) + 86_400}.${signature}`, start)).toEqual({ ok: false, reason: "invalid" });
    expect(tokens.checkVisitor(`${visitorId}.${expires}.AAAA`, start)).toEqual({ ok: false, reason: "invalid" });
    expect(tokens.checkVisitor(`${visitorId}.${signature}`, start)).toEqual({ ok: false, reason: "invalid" });
    expect(tokens.checkVisitor(undefined, start)).toEqual({ ok: false, reason: "invalid" });
  });

  it("opens the reply stream with a ticket that lasts a minute and is no visitor token", () => {
    const { visitorId } = tokens.newVisitor(start);
    const ticket = tokens.eventsTicket(visitorId, start);
    expect(tokens.visitorOfTicket(ticket, start + 59_000)).toBe(visitorId);
    expect(tokens.visitorOfTicket(ticket, start + 60_000)).toBeUndefined();
    expect(tokens.checkVisitor(ticket, start)).toEqual({ ok: false, reason: "invalid" });
    expect(tokens.visitorOfTicket(tokens.renew(visitorId, start).token, start)).toBeUndefined();
  });
});
