import { loadConfigOrExit } from "../core/config";
import { closeOnSignal, compose } from "./compose";

/** One process for a single machine: the api and the workers together. */
const services = compose(loadConfigOrExit());
closeOnSignal(services);
await services.startWorkers();
const app = await services.startApi();
await app.listen({ port: services.config.PORT, host: services.config.HOST });
// --- channels ---
services.logger.info(`web chat widget: open ${services.config.PUBLIC_URL}/widget (embed with <script src="${services.config.PUBLIC_URL}/widget/embed.js" async></script>)`);
if (!services.config.TELEGRAM_BOT_TOKEN && !services.config.VK_TOKEN) {
  services.logger.warn(`no messenger is configured: patients can use the web chat at ${services.config.PUBLIC_URL}/widget; set TELEGRAM_BOT_TOKEN or VK_TOKEN for the bots`);
}
