import { describe, expect, it } from "vitest";
import { checkInitData, signInitData } from "./mini-app-init-data";

const token = "123456:TEST-token";
const now = new Date("2026-11-23T12:00:00Z");
const fields = (authDate: Date) => ({
  auth_date: String(Math.floor(authDate.getTime() / 1000)),
  query_id: "AAH",
  user: JSON.stringify({ id: 4242, first_name: "Patient", language_code: "uz" }),
});

describe("Telegram Mini App initData", () => {
  it("accepts Telegram's signature and names the user", () => {
    expect(checkInitData(signInitData(fields(now), token), token, 3600, now)).toEqual({ ok: true, userId: "4242", languageCode: "uz" });
  });

  it("refuses another bot's signature, a changed field and a stale auth_date", () => {
    expect(checkInitData(signInitData(fields(now), "999:other"), token, 3600, now)).toEqual({ ok: false, reason: "bad_signature" });
    const tampered = signInitData(fields(now), token).replace("4242", "4243");
    expect(checkInitData(tampered, token, 3600, now)).toEqual({ ok: false, reason: "bad_signature" });
    const old = signInitData(fields(new Date(now.getTime() - 2 * 3600_000)), token);
    expect(checkInitData(old, token, 3600, now)).toEqual({ ok: false, reason: "stale" });
    expect(checkInitData("user=%7B%7D", token, 3600, now)).toEqual({ ok: false, reason: "malformed" });
  });
});
