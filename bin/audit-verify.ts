import { verifyAuditChain } from "../core/audit/audit-repository";
import { loadConfigOrExit } from "../core/config";
import { createPrisma } from "../core/db/prisma";

/**
 * `npm run audit:verify`: checks the audit log's hash chain (issue 15 point 7). Exit 0 when whole; exit 1 naming the
 * first row that was changed, removed from the middle or slipped in.
 */
const config = loadConfigOrExit();
const db = createPrisma(config.DATABASE_URL);
try {
  const report = await verifyAuditChain(db);
  if (!report.firstBroken) {
    process.stdout.write(`audit chain OK: ${report.rows} rows\n`);
  } else {
    const b = report.firstBroken;
    const why = b.reason === "hash" ? "its content does not match its hash" : "it does not follow the row before it (a row removed or inserted)";
    process.stdout.write(`audit chain BROKEN at seq ${b.seq} (id ${b.id}, ${b.action}, ${b.at.toISOString()}): ${why}\n`);
    process.exitCode = 1;
  }
} finally {
  await db.$disconnect();
}
