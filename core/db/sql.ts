import pg from "pg";

/** A timestamp as Prisma stores it (`timestamp(3)`, no zone, UTC): read back as that UTC instant whatever the process' TZ. */
const utcTimestamp = (text: string) => new Date(`${text.replace(" ", "T")}Z`);

/**
 * Plain `pg` connections for the few hot paths where Prisma's own cost per statement (about a millisecond of CPU,
 * whatever the statement) is most of the work: the readings writes and their alert evaluation, run once per group
 * of requests. Statements are named, so Postgres plans each once per connection. Lazy: no connection until used.
 * Dates go in as ISO strings cast to `timestamp` (Postgres drops the `Z`, leaving the UTC time Prisma would store).
 */
export function createSqlPool(databaseUrl: string, onIdleError: (error: Error) => void, max = 4): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    types: { getTypeParser: ((oid: number, format?: string) => (oid === pg.types.builtins.TIMESTAMP ? utcTimestamp : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser },
  });
  // An idle connection that Postgres ends (a restart, an administrator) is an 'error' on the pool: unheard, it would
  // end the process. The pool drops that connection and opens another when next asked.
  pool.on("error", onIdleError);
  return pool;
}

export type Sql = pg.Pool;
