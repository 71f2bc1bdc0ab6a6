import { loadConfigOrExit } from "../core/config";
import { closeOnSignal, compose } from "./compose";

/** One process for a single machine: the api and the workers together. */
const services = compose(loadConfigOrExit());
closeOnSignal(services);
await services.startWorkers();
const app = await services.startApi();
await app.listen({ port: services.config.PORT, host: services.config.HOST });
if (!services.config.TELEGRAM_BOT_TOKEN) {
  services.logger.warn("no messenger is configured: set TELEGRAM_BOT_TOKEN to talk to patients");
}
