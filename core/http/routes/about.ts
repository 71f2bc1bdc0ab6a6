import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { renderAboutPage } from "../../about/about-page";
import type { Disclosure } from "../../about/disclosure";
import { languages } from "../../i18n";
import { htmlPage } from "../responses";

export interface AboutDeps {
  load(): Promise<Disclosure>;
}

/** `GET /about?lang=uz`: the clinic's disclosure page (Order 965n p. 46), public, in Russian and the patient's language. */
export const aboutRoutes = (deps: AboutDeps) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get("/about", { schema: { querystring: z.object({ lang: z.enum(languages).catch("ru").default("ru") }), response: { 200: htmlPage("The disclosure page") } } }, async (request, reply) =>
    reply
      .header("content-type", "text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(renderAboutPage(await deps.load(), request.query.lang)),
  );
};
