import { createPublicKey } from "node:crypto";
import type { JSONWebKeySet, JWK } from "jose";
import { AppError } from "../errors";

/**
 * A client's public keys from what an admin has: a JWKS (`{"keys":[…]}`) or a PEM public key. Only RSA (RS384) and
 * EC P-384 (ES384) public keys are taken; a private key in a JWKS is refused, and of a PEM only the public part is kept.
 */
export function parsePublicKeys(text: string): JSONWebKeySet {
  const keys: JWK[] = text.trim().startsWith("{")
    ? ((JSON.parse(text) as { keys?: JWK[] }).keys ?? [])
    : [createPublicKey(text).export({ format: "jwk" }) as JWK];
  if (keys.length === 0) throw new AppError("validation", "no keys: give a JWKS {\"keys\":[…]} or a PEM public key");
  return {
    keys: keys.map((key) => {
      if ("d" in key) throw new AppError("validation", "that is a private key: register the public key only");
      if (key.kty === "RSA") return { ...key, alg: key.alg ?? "RS384" };
      if (key.kty === "EC" && key.crv === "P-384") return { ...key, alg: key.alg ?? "ES384" };
      throw new AppError("validation", `key type ${key.kty}${key.crv ? ` ${key.crv}` : ""} is not accepted (RSA for RS384, EC P-384 for ES384)`);
    }),
  };
}
