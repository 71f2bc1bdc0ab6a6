import { loadConfigOrExit } from "../core/config";
import { exitUnlessReachable } from "./preflight";

const config = loadConfigOrExit();
await exitUnlessReachable(config);
// Loaded only now: the whole application takes seconds to import, the check above should not wait for it.
const { closeOnSignal, compose } = await import("./compose");
const services = compose(config);
closeOnSignal(services);
await services.startWorkers();
services.logger.info("workers started");
