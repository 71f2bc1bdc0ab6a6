/**
 * A second api process for tests of what must hold across instances (Redis claims, pub/sub):
 * configured from the environment like bin/api.ts, listening on a free port that it prints.
 */
import { compose } from "../../bin/compose";
import { loadConfig } from "../../core/config";

const services = compose(loadConfig());
const app = await services.startApi();
await app.listen({ port: 0, host: "127.0.0.1" });
const address = app.server.address();
process.stdout.write(`LISTENING ${typeof address === "object" && address ? address.port : 0}\n`);
process.on("SIGTERM", () => {
  void services.close().then(() => process.exit(0));
});
