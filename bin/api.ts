import { loadConfigOrExit } from "../core/config";
import { closeOnSignal, compose } from "./compose";

const services = compose(loadConfigOrExit());
closeOnSignal(services);
const app = await services.startApi();
await app.listen({ port: services.config.PORT, host: services.config.HOST });
// --- channels ---
services.logger.info(`web chat widget: open ${services.config.PUBLIC_URL}/widget (embed with <script src="${services.config.PUBLIC_URL}/widget/embed.js" async></script>)`);
