// A separate process running every worker, for chaos tests that pause, kill or starve it. Configured from the
// environment like bin/workers.ts; TEST_LOCK_MS shortens BullMQ's job locks (a killed worker's jobs come back
// sooner). Prints "ready" once consuming.
import { compose } from "../../bin/compose";
import { loadConfig } from "../../core/config";

const lockMs = Number(process.env.TEST_LOCK_MS ?? 0);
const services = compose(loadConfig());
await services.startWorkers(lockMs ? { locks: { lockDuration: lockMs, stalledInterval: Math.max(500, lockMs / 2) } } : {});
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void services.close().then(() => process.exit(0));
});
