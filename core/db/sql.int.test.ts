import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "../../test/helpers/scratch-database";
import { createSqlPool } from "./sql";

let database: ScratchDatabase;
beforeAll(async () => {
  database = await scratchDatabase("sql_pool");
});
afterAll(async () => {
  await database?.drop();
});

describe("createSqlPool", () => {
  it("survives Postgres ending an idle connection: the error is reported, the next query opens another", async () => {
    const errors: Error[] = [];
    const pool = createSqlPool(database.url, (error) => errors.push(error), 1);
    const { rows } = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    await admin.end();
    await expect.poll(() => errors.length).toBe(1);
    expect((await pool.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});
