// A separate worker process for the kill -9 test: the outbox worker only, with short BullMQ locks.
// Configuration comes from the environment like any worker process; it prints "ready" once consuming.
import { compose } from "../../bin/compose";
import { loadConfig } from "../../core/config";

const services = compose(loadConfig());
await services.startWorkers({ outboxOnly: true, locks: { lockDuration: 2000, stalledInterval: 1000 } });
process.stdout.write("ready\n");
