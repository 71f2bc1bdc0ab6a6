import { createHash, randomBytes } from "node:crypto";
import type { Actor } from "../audit/audit-log";
import { notFound } from "../errors";
import { groupCommit } from "../group-commit";
import type { MonitoringRepository } from "./monitoring-repository";
import type { TokenCache } from "./token-cache";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

export interface DeviceLink {
  id: string;
  /** Shown once; only hashes are stored. */
  token: string;
  /** Where our own JSON and FHIR Observations go (Bearer token). */
  readingsUrl: string;
  /** For Nightscout uploaders (xDrip+, Spike, …): the secret rides in the URL, as they expect. */
  nightscoutUrl: string;
  /** What the QR code encodes: a JSON document an app can read. */
  qrPayload: string;
}

export interface IngestionTokenInfo {
  id: string;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

type TokenHash = { tokenHash: string } | { nightscoutHash: string };
const bearerKey = (tokenHash: string) => `b:${tokenHash}`;
const nightscoutKey = (nightscoutHash: string) => `n:${nightscoutHash}`;

/** Per-patient device tokens: random, stored hashed, revocable. */
export class IngestionTokens {
  // Many devices each sending once a minute mostly miss the cache: their lookups share one query.
  private readonly find = groupCommit((hashes: TokenHash[]) => this.findPatients(hashes), { max: 500 });

  constructor(
    private readonly repo: MonitoringRepository,
    private readonly publicUrl: string,
    /** Keeps the endpoint off the database for a device's every request; revocations reach every process's copy. */
    private readonly cache: TokenCache,
  ) {}

  async issue(actor: Actor, patientId: string, label: string | null): Promise<DeviceLink> {
    if (!(await this.repo.patientExists(patientId))) throw notFound("patient");
    const token = `tcr_${randomBytes(24).toString("base64url")}`;
    const row = await this.repo.createToken({ patientId, label, tokenHash: sha256(token), nightscoutHash: sha256(sha1(token)) });
    await this.repo.audit({ actor, action: "ingestion_token.issue", entityType: "patient", entityId: patientId, meta: { tokenId: row.id } });
    return { id: row.id, token, ...this.links(token) };
  }

  links(token: string): Omit<DeviceLink, "id" | "token"> {
    const base = new URL(this.publicUrl);
    const readingsUrl = new URL("/api/v1/readings", base).toString();
    const ns = new URL("/api/v1/", base);
    ns.username = token;
    const nightscoutUrl = ns.toString();
    return { readingsUrl, nightscoutUrl, qrPayload: JSON.stringify({ telecons: 1, readingsUrl, nightscoutUrl, token }) };
  }

  async list(actor: Actor, patientId: string): Promise<IngestionTokenInfo[]> {
    await this.repo.audit({ actor, action: "ingestion_tokens.list", entityType: "patient", entityId: patientId });
    return this.repo.tokensOf(patientId);
  }

  async revoke(actor: Actor, id: string, now = new Date()): Promise<IngestionTokenInfo> {
    const row = await this.repo.token(id);
    if (!row) throw notFound("ingestion token");
    const updated = await this.repo.revokeToken(id, row.revokedAt ?? now);
    await this.repo.audit({ actor, action: "ingestion_token.revoke", entityType: "patient", entityId: row.patientId, meta: { tokenId: id } });
    // Answered only once every api process has been told (or could not be, and then the caller hears the error).
    await this.cache.revoked([bearerKey(updated.tokenHash), nightscoutKey(updated.nightscoutHash)]);
    return { id: updated.id, label: updated.label, createdAt: updated.createdAt, revokedAt: updated.revokedAt };
  }

  /** The patient a Bearer token belongs to, or undefined for an unknown or revoked token. */
  patientForToken(token: string): Promise<string | undefined> {
    const tokenHash = sha256(token);
    return this.lookup(bearerKey(tokenHash), { tokenHash });
  }

  /** Nightscout's `api-secret` header carries sha1(secret) in hex; some clients send the secret itself. */
  patientForNightscoutSecret(secret: string): Promise<string | undefined> {
    const nightscoutHash = sha256(/^[0-9a-f]{40}$/i.test(secret) ? secret.toLowerCase() : sha1(secret));
    return this.lookup(nightscoutKey(nightscoutHash), { nightscoutHash });
  }

  private async lookup(key: string, where: TokenHash) {
    const cached = this.cache.get(key);
    if (cached.hit) return cached.patientId;
    const patientId = await this.find(where);
    this.cache.set(key, patientId, cached.epoch);
    return patientId;
  }

  private async findPatients(hashes: TokenHash[]): Promise<Array<string | undefined>> {
    const tokenHashes = hashes.flatMap((h) => ("tokenHash" in h ? [h.tokenHash] : []));
    const nightscoutHashes = hashes.flatMap((h) => ("nightscoutHash" in h ? [h.nightscoutHash] : []));
    const rows = await this.repo.liveTokens(tokenHashes, nightscoutHashes);
    const byToken = new Map(rows.map((r) => [r.tokenHash, r.patientId]));
    const byNightscout = new Map(rows.map((r) => [r.nightscoutHash, r.patientId]));
    return hashes.map((h) => ("tokenHash" in h ? byToken.get(h.tokenHash) : byNightscout.get(h.nightscoutHash)));
  }
}
