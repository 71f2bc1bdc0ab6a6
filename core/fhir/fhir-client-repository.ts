import type { JSONWebKeySet } from "jose";
import { isUniqueViolation, type Db } from "../db/prisma";
import { AppError } from "../errors";

export interface FhirClient {
  id: string;
  name: string;
  jwks: JSONWebKeySet;
  scopes: string[];
  createdAt: Date;
  disabledAt: Date | null;
}

/** The registered MIS clients, the assertions they used and the access tokens issued to them (hashes only). */
export class FhirClients {
  constructor(private readonly db: Db) {}

  async register(client: { id: string; name: string; jwks: JSONWebKeySet; scopes: string[] }): Promise<FhirClient> {
    try {
      return this.toClient(await this.db.fhirClient.create({ data: { ...client, jwks: client.jwks as object } }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("conflict", `client ${client.id} is already registered`);
      throw error;
    }
  }

  /** A new key (rotation) or new scopes; `disabledAt: null` enables a disabled client again. */
  async update(id: string, change: { jwks?: JSONWebKeySet; scopes?: string[]; disabledAt?: null }): Promise<FhirClient> {
    const { count } = await this.db.fhirClient.updateMany({ where: { id }, data: { ...change, jwks: change.jwks as object | undefined } });
    if (count === 0) throw new AppError("not_found", `no client ${id}`);
    return (await this.find(id))!;
  }

  /** Stops the client at once: its new assertions and its tokens are refused. */
  async disable(id: string, now = new Date()): Promise<void> {
    const { count } = await this.db.fhirClient.updateMany({ where: { id }, data: { disabledAt: now } });
    if (count === 0) throw new AppError("not_found", `no client ${id}`);
    await this.db.fhirAccessToken.deleteMany({ where: { clientId: id } });
  }

  async find(id: string): Promise<FhirClient | null> {
    const row = await this.db.fhirClient.findUnique({ where: { id } });
    return row ? this.toClient(row) : null;
  }

  async list(): Promise<FhirClient[]> {
    return (await this.db.fhirClient.findMany({ orderBy: { createdAt: "asc" } })).map((row) => this.toClient(row));
  }

  /** Records an assertion's jti; false when the client already used it (a replay). */
  async useAssertion(clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.db.fhirAssertionUse.create({ data: { clientId, jti, expiresAt } });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async saveToken(token: { tokenHash: string; clientId: string; scopes: string[]; expiresAt: Date }): Promise<void> {
    await this.db.fhirAccessToken.create({ data: token });
  }

  async findToken(tokenHash: string): Promise<{ clientId: string; scopes: string[]; expiresAt: Date } | null> {
    return this.db.fhirAccessToken.findUnique({ where: { tokenHash }, select: { clientId: true, scopes: true, expiresAt: true } });
  }

  /** Expired jtis can no longer be replayed (their assertion is refused as expired) and expired tokens open nothing. */
  async purgeExpired(now: Date): Promise<void> {
    await this.db.fhirAssertionUse.deleteMany({ where: { expiresAt: { lt: now } } });
    await this.db.fhirAccessToken.deleteMany({ where: { expiresAt: { lt: now } } });
  }

  private toClient(row: { id: string; name: string; jwks: unknown; scopes: string[]; createdAt: Date; disabledAt: Date | null }): FhirClient {
    return { ...row, jwks: row.jwks as JSONWebKeySet };
  }
}
