import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "../../test/helpers/scratch-database";
import { createPrisma, type Db } from "../db/prisma";
import { removeAuditEventsBefore, verifyAuditChain } from "./audit-repository";
import { recordAudit } from "./audit-log";

const run = promisify(execFile);

// Its own database: this test tampers with the log as a superuser, which must not touch the run's shared database.
describe("append-only audit log (issue 15 point 7)", () => {
  let database: ScratchDatabase;
  let db: Db;
  let superuser: pg.Client;
  const verifyCli = () =>
    run("npx", ["tsx", "bin/audit-verify.ts"], { env: { ...process.env, DATABASE_URL: database.url } }).then(
      (out) => ({ code: 0, stdout: out.stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  beforeAll(async () => {
    database = await scratchDatabase("audit");
    db = createPrisma(database.url);
    superuser = new pg.Client({ connectionString: database.url });
    await superuser.connect();
  }, 60_000);
  afterAll(async () => {
    await superuser?.end();
    await db?.$disconnect();
    await database?.drop();
  });

  it("chains concurrent writers, refuses UPDATE, DELETE and TRUNCATE, and lets only retention remove the oldest rows", async () => {
    await recordAudit(db, { actor: { type: "system" }, action: "test.old", entityType: "test", entityId: "old" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = new Date();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => recordAudit(db, { actor: { type: "patient", id: `p${i}` }, action: "test.write", entityType: "test", entityId: String(i), meta: { i } })),
    );
    expect(await verifyAuditChain(db)).toEqual({ rows: 21, firstBroken: undefined });

    const one = await db.auditEvent.findFirstOrThrow({ where: { entityId: "3" } });
    await expect(db.auditEvent.update({ where: { id: one.id }, data: { action: "test.rewritten" } })).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.auditEvent.delete({ where: { id: one.id } })).rejects.toThrow(/append-only: DELETE refused/);
    await expect(superuser.query(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    // The retention setting does not open the middle of the chain.
    await expect(superuser.query(`BEGIN; SET LOCAL telecons.audit_retention = on; DELETE FROM "AuditEvent" WHERE id = '${one.id}'`)).rejects.toThrow(/only the oldest rows/);
    await superuser.query("ROLLBACK");

    expect(await removeAuditEventsBefore(db, cut)).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "test.old" } })).toBe(0);
    expect(await verifyAuditChain(db)).toEqual({ rows: 21, firstBroken: undefined }); // 20 + the retention's own row
    expect(await verifyCli()).toEqual({ code: 0, stdout: "audit chain OK: 21 rows\n" });
  }, 60_000);

  it("npm run audit:verify names the first row changed behind the trigger's back", async () => {
    // The 20 rows were written at once, so their order is the database's: take one with rows after it.
    const victim = await db.auditEvent.findFirstOrThrow({ where: { action: "test.write" }, orderBy: { seq: "asc" }, skip: 5 });
    await superuser.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_event_append_only`);
    await superuser.query(`UPDATE "AuditEvent" SET "actorId" = 'someone-else' WHERE id = $1`, [victim.id]);
    await superuser.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER audit_event_append_only`);

    const report = await verifyAuditChain(db);
    expect(report.firstBroken).toMatchObject({ seq: String(victim.seq), id: victim.id, reason: "hash" });
    const cli = await verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`BROKEN at seq ${victim.seq} (id ${victim.id}`);

    // A row removed from the middle: the next one no longer follows its predecessor.
    const later = await db.auditEvent.findFirstOrThrow({ where: { seq: { gt: victim.seq } }, orderBy: { seq: "asc" } });
    const after = await db.auditEvent.findFirstOrThrow({ where: { seq: { gt: later.seq } }, orderBy: { seq: "asc" } });
    await superuser.query(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
    await superuser.query(`UPDATE "AuditEvent" SET "actorId" = $2 WHERE id = $1`, [victim.id, victim.actorId]);
    await superuser.query(`DELETE FROM "AuditEvent" WHERE id = $1`, [later.id]);
    await superuser.query(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    expect((await verifyAuditChain(db)).firstBroken).toMatchObject({ id: after.id, reason: "link" });
  }, 60_000);
});
