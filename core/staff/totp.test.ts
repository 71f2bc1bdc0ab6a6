import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, otpauthUrl, totpCode, verifyTotp } from "./totp";

// RFC 6238 appendix B, SHA-1 key "12345678901234567890" (8-digit vectors; the 6 low digits are ours).
const rfcSecret = base32Encode(Buffer.from("12345678901234567890"));

describe("TOTP", () => {
  it("matches the RFC 6238 test vectors", () => {
    expect(totpCode(rfcSecret, 59_000)).toBe("287082");
    expect(totpCode(rfcSecret, 1_111_111_109_000)).toBe("081804");
    expect(totpCode(rfcSecret, 2_000_000_000_000)).toBe("279037");
  });

  it("round-trips base32", () => {
    const bytes = Buffer.from("any bytes at all \u00ff", "utf8");
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });

  it("accepts one step of clock drift and nothing further", () => {
    const at = 1_700_000_000_000;
    expect(verifyTotp(rfcSecret, totpCode(rfcSecret, at - 30_000), at)).toBe(true);
    expect(verifyTotp(rfcSecret, totpCode(rfcSecret, at - 90_000), at)).toBe(false);
    expect(verifyTotp(rfcSecret, "12345", at)).toBe(false);
  });

  it("builds an otpauth URL an authenticator app reads", () => {
    expect(otpauthUrl("ABC", "a@b.c")).toBe("otpauth://totp/Telecons%3Aa%40b.c?secret=ABC&issuer=Telecons&algorithm=SHA1&digits=6&period=30");
  });
});
