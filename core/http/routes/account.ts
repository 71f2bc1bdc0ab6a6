import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { renderAccountMessage, renderAccountPage } from "../../account/account-page";
import type { AccountService } from "../../account/account-service";
import { AppError } from "../../errors";

const COOKIE = "tc_account";

const sessionToken = (request: FastifyRequest): string | undefined => request.cookies[COOKIE];

// Lax, not Strict: the login link is opened from the messenger, another site.
const setSession = (reply: FastifyReply, token: string, maxAge: number, secure: boolean) =>
  reply.setCookie(COOKIE, token, { path: "/account", httpOnly: true, sameSite: "lax", maxAge, secure });

/** The patient account at /account: its own cookie session, no staff token. */
export const accountRoutes =
  (deps: { accounts: AccountService; secureCookies: boolean; defaultLanguage: string }) => async (scope: FastifyInstance) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const patientOf = (request: FastifyRequest) => deps.accounts.patientOfSession(sessionToken(request));

    app.get("/account/login", { schema: { querystring: z.object({ token: z.string().min(20).max(200) }) } }, async (request, reply) => {
      try {
        const session = await deps.accounts.redeem(request.query.token);
        setSession(reply, session.sessionToken, session.maxAgeSeconds, deps.secureCookies);
        // The token leaves the address bar (and the history) at once.
        return reply.header("referrer-policy", "no-referrer").redirect("/account", 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "unauthorized") throw error;
        return reply.status(401).type("text/html; charset=utf-8").send(renderAccountMessage(deps.defaultLanguage, "link_invalid"));
      }
    });

    app.get("/account", async (request, reply) => {
      let patientId: string;
      try {
        patientId = await patientOf(request);
      } catch {
        return reply.status(401).type("text/html; charset=utf-8").send(renderAccountMessage(deps.defaultLanguage, "session_expired"));
      }
      const overview = await deps.accounts.overview(patientId);
      return reply.header("cache-control", "no-store").type("text/html; charset=utf-8").send(renderAccountPage(overview));
    });

    app.get("/account/overview.json", async (request, reply) => {
      const overview = await deps.accounts.overview(await patientOf(request));
      return reply.header("cache-control", "no-store").send(overview);
    });

    app.get("/account/documents/:id", { schema: { params: z.object({ id: z.uuid() }) } }, async (request, reply) => {
      const { bytes, fileName } = await deps.accounts.download(await patientOf(request), request.params.id);
      return reply
        .header("cache-control", "no-store")
        .header("content-disposition", `attachment; filename="${fileName}"`)
        .type("application/pdf")
        .send(bytes);
    });

    app.post("/account/logout", async (request, reply) => {
      const token = sessionToken(request);
      if (token) await deps.accounts.logout(token);
      setSession(reply, "", 0, deps.secureCookies);
      return reply.redirect("/account", 303);
    });
  };
