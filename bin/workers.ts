import { loadConfigOrExit } from "../core/config";
import { exitUnlessReachable } from "./preflight";

const config = loadConfigOrExit();
await exitUnlessReachable(config);
// Loaded only now: the whole application takes seconds to import, the check above should not wait for it.
const { closeOnSignal, compose } = await import("./compose");
const services = compose(config, { processMetrics: true });
closeOnSignal(services);
await services.startWorkers();
// --- observability (issue 19) --- the workers' own counters (jobs, 429s, inbound handling); the api serves the rest
if (config.METRICS_PORT > 0) {
  const { startMetricsServer } = await import("../core/metrics/metrics-server");
  await startMetricsServer(services.metrics, { port: config.METRICS_PORT, host: config.HOST, token: config.METRICS_TOKEN });
}
services.logger.info("workers started");
