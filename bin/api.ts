import { loadConfigOrExit } from "../core/config";
import { exitUnlessReachable } from "./preflight";

const config = loadConfigOrExit();
await exitUnlessReachable(config);
// Loaded only now: the whole application takes seconds to import, the check above should not wait for it.
const { closeOnSignal, compose } = await import("./compose");
const services = compose(config, { processMetrics: true });
closeOnSignal(services);
const app = await services.startApi();
await app.listen({ port: services.config.PORT, host: services.config.HOST });
// --- channels ---
services.logger.info(`web chat widget: open ${services.config.PUBLIC_URL}/widget (embed with <script src="${services.config.PUBLIC_URL}/widget/embed.js" async></script>)`);
