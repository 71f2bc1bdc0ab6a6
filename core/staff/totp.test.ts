import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { matchTotp, newTotpSecret, otpauthUrl, totpCode, totpStep } from "./totp";

// RFC 6238 appendix B, SHA-1 key "12345678901234567890" (8-digit vectors; the 6 low digits are ours).
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("TOTP", () => {
  it("matches the RFC 6238 test vectors", () => {
    expect(totpCode(rfcSecret, 59_000)).toBe("287082");
    expect(totpCode(rfcSecret, 1_111_111_109_000)).toBe("081804");
    expect(totpCode(rfcSecret, 2_000_000_000_000)).toBe("279037");
  });

  it("keeps codes of secrets stored before the switch to otpauth (unpadded base32 of 20 bytes)", () => {
    // What the hand-written implementation stored and computed: RFC 4648 base32 without padding, HMAC-SHA1.
    const key = Buffer.from("0123456789abcdefghij");
    const stored = "GAYTEMZUGU3DOOBZMFRGGZDFMZTWQ2LK";
    const at = 1_800_000_000_000;
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
    const digest = createHmac("sha1", key).update(counter).digest();
    const expected = String((digest.readUInt32BE(digest[19]! & 0xf) & 0x7fffffff) % 1_000_000).padStart(6, "0");
    expect(totpCode(stored, at)).toBe(expected);
    expect(matchTotp(stored, expected, at)).toBe(totpStep(at));
  });

  it("accepts one step of clock drift either way, tells which step matched, and nothing further", () => {
    const at = 1_700_000_000_000;
    const step = totpStep(at);
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, at - 30_000), at)).toBe(step - 1);
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, at), at)).toBe(step);
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, at + 30_000), at)).toBe(step + 1);
    expect(matchTotp(rfcSecret, totpCode(rfcSecret, at - 90_000), at)).toBeNull();
    expect(matchTotp(rfcSecret, "12345", at)).toBeNull();
  });

  it("makes new 160-bit secrets and an otpauth URL an authenticator app reads", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const url = new URL(otpauthUrl(secret, "a@b.c"));
    expect(url.protocol).toBe("otpauth:");
    expect(url.host).toBe("totp");
    expect(decodeURIComponent(url.pathname)).toBe("/Telecons:a@b.c");
    expect(Object.fromEntries(url.searchParams)).toEqual({ issuer: "Telecons", secret, algorithm: "SHA1", digits: "6", period: "30" });
  });
});
