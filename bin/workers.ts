import { loadConfigOrExit } from "../core/config";
import { closeOnSignal, compose } from "./compose";

const services = compose(loadConfigOrExit());
closeOnSignal(services);
await services.startWorkers();
services.logger.info("workers started");
