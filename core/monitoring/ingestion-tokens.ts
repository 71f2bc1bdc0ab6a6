import { createHash, randomBytes } from "node:crypto";
import type { Actor } from "../audit/audit-log";
import { notFound } from "../errors";
import { groupCommit } from "../group-commit";
import type { MonitoringRepository } from "./monitoring-repository";

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

/** A short-lived cache keeps the ingestion endpoint off the database for every request of a busy device. */
const CACHE_MS = 5_000;

type TokenHash = { tokenHash: string } | { nightscoutHash: string };

/** Per-patient device tokens: random, stored hashed, revocable. */
export class IngestionTokens {
  private readonly cache = new Map<string, { patientId: string | undefined; until: number }>();
  // Many devices each sending once a minute mostly miss the cache: their lookups share one query.
  private readonly find = groupCommit((hashes: TokenHash[]) => this.findPatients(hashes), { max: 500 });

  constructor(
    private readonly repo: MonitoringRepository,
    private readonly publicUrl: string,
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
    this.cache.clear();
    const updated = await this.repo.revokeToken(id, row.revokedAt ?? now);
    await this.repo.audit({ actor, action: "ingestion_token.revoke", entityType: "patient", entityId: row.patientId, meta: { tokenId: id } });
    return { id: updated.id, label: updated.label, createdAt: updated.createdAt, revokedAt: updated.revokedAt };
  }

  /** The patient a Bearer token belongs to, or undefined for an unknown or revoked token. */
  patientForToken(token: string): Promise<string | undefined> {
    return this.lookup(`b:${sha256(token)}`, { tokenHash: sha256(token) });
  }

  /** Nightscout's `api-secret` header carries sha1(secret) in hex; some clients send the secret itself. */
  patientForNightscoutSecret(secret: string): Promise<string | undefined> {
    const hashed = /^[0-9a-f]{40}$/i.test(secret) ? secret.toLowerCase() : sha1(secret);
    return this.lookup(`n:${sha256(hashed)}`, { nightscoutHash: sha256(hashed) });
  }

  private async lookup(key: string, where: TokenHash) {
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.patientId;
    const patientId = await this.find(where);
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(key, { patientId, until: Date.now() + CACHE_MS });
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
