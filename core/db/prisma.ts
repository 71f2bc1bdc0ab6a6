import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "./generated/client";

/** The one place that creates the Prisma client; repositories receive it. */
export function createPrisma(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * True for Postgres' unique_violation as Prisma reports it: P2002, or P2010 with SQLSTATE 23505 from a raw query.
 * A statement whose violation is caught and gone past must run in `db.$transaction(…)`: inside a dialogue step (one
 * transaction, core/db/unit-of-work.ts) that is a savepoint, without which the failed statement aborts the whole step.
 */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError &&
  (error.code === "P2002" ||
    (error.code === "P2010" && (error.meta as { driverAdapterError?: { cause?: { originalCode?: string } } } | undefined)?.driverAdapterError?.cause?.originalCode === "23505"));

/** Resolves when Postgres answers a query (for /readyz). */
export const pingDatabase = async (db: Db): Promise<void> => void (await db.$queryRaw`SELECT 1`);
