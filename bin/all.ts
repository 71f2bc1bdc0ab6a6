import { loadConfigOrExit } from "../core/config";
import { exitUnlessReachable } from "./preflight";

/** One process for a single machine: the api and the workers together. */
const config = loadConfigOrExit();
await exitUnlessReachable(config);
// Loaded only now: the whole application takes seconds to import, the check above should not wait for it.
const { closeOnSignal, compose } = await import("./compose");
const services = compose(config, { processMetrics: true });
closeOnSignal(services);
await services.startWorkers();
const app = await services.startApi();
await app.listen({ port: services.config.PORT, host: services.config.HOST });
// --- channels ---
services.logger.info(`web chat widget: open ${services.config.PUBLIC_URL}/widget (embed with <script src="${services.config.PUBLIC_URL}/widget/embed.js" async></script>)`);
if (!services.config.TELEGRAM_BOT_TOKEN && !services.config.VK_TOKEN && !services.config.MAX_BOT_TOKEN) {
  services.logger.warn(`no messenger is configured: patients can use the web chat at ${services.config.PUBLIC_URL}/widget; set TELEGRAM_BOT_TOKEN, VK_TOKEN or MAX_BOT_TOKEN for the bots`);
}
