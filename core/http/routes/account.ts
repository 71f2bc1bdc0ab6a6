import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { renderAccountMessage, renderAccountPage, renderErasureAccepted } from "../../account/account-page";
import type { AccountService } from "../../account/account-service";
import { accountOverviewSchema } from "../../account/account-service";
import { AppError } from "../../errors";
import { file, htmlPage, redirect } from "../responses";
import { matchLanguage } from "../../i18n";
import type { DataRights } from "../../rights/data-rights";
import type { PatientErasure } from "../../rights/patient-erasure";

const COOKIE = "tc_account";

const sessionToken = (request: FastifyRequest): string | undefined => request.cookies[COOKIE];

// Lax, not Strict: the login link is opened from the messenger, another site.
const setSession = (reply: FastifyReply, token: string, maxAge: number, secure: boolean) =>
  reply.setCookie(COOKIE, token, { path: "/account", httpOnly: true, sameSite: "lax", maxAge, secure });

/** The patient account at /account: its own cookie session, no staff token. */
export const accountRoutes =
  (deps: {
    accounts: AccountService;
    secureCookies: boolean;
    defaultLanguage: string;
    /** The patient's data export and erasure (152-FZ), when wired. */
    rights?: { data: DataRights; erasure: PatientErasure };
  }) =>
  async (scope: FastifyInstance) => {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const patientOf = (request: FastifyRequest) => deps.accounts.patientOfSession(sessionToken(request));

    // A malformed link (cut off by a messenger, mistyped) gets the same page as a used one, not a JSON error.
    const loginQuery = z.object({ token: z.string().max(400).default(""), lang: z.string().max(16).optional() });
    app.get("/account/login", { schema: { querystring: loginQuery, response: { 303: redirect("/account"), 401: htmlPage("The link is used, expired or malformed") } } }, async (request, reply) => {
      const language = matchLanguage(request.query.lang) ?? deps.defaultLanguage;
      const invalid = () => reply.status(401).header("cache-control", "no-store").type("text/html; charset=utf-8").send(renderAccountMessage(language, "link_invalid"));
      if (!/^[A-Za-z0-9_-]{20,200}$/.test(request.query.token)) return invalid();
      try {
        const session = await deps.accounts.redeem(request.query.token);
        setSession(reply, session.sessionToken, session.maxAgeSeconds, deps.secureCookies);
        // The token leaves the address bar (and the history) at once.
        return reply.header("referrer-policy", "no-referrer").redirect("/account", 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== "unauthorized") throw error;
        return invalid();
      }
    });

    app.get("/account", { schema: { response: { 200: htmlPage("The account page"), 401: htmlPage("The session expired") } } }, async (request, reply) => {
      let patientId: string;
      try {
        patientId = await patientOf(request);
      } catch {
        return reply.status(401).type("text/html; charset=utf-8").send(renderAccountMessage(deps.defaultLanguage, "session_expired"));
      }
      const overview = await deps.accounts.overview(patientId);
      return reply.header("cache-control", "no-store").type("text/html; charset=utf-8").send(renderAccountPage(overview, { dataRights: deps.rights !== undefined }));
    });

    app.get("/account/overview.json", { schema: { response: { 200: accountOverviewSchema } } }, async (request, reply) => {
      const overview = await deps.accounts.overview(await patientOf(request));
      return reply.header("cache-control", "no-store").send(overview);
    });

    app.get("/account/documents/:id", { schema: { params: z.object({ id: z.uuid() }), response: { 200: file("application/pdf", "The signed document") } } }, async (request, reply) => {
      const { bytes, fileName } = await deps.accounts.download(await patientOf(request), request.params.id);
      return reply
        .header("cache-control", "no-store")
        .header("content-disposition", `attachment; filename="${fileName}"`)
        .type("application/pdf")
        .send(bytes);
    });

    const rights = deps.rights;
    if (rights) {
      for (const format of ["json", "pdf"] as const) {
        // The export is built (and its JSON serialised) by core/rights; it passes here unchanged.
        const exported = format === "json" ? file("application/json", "All the data held about the patient") : file("application/pdf", "All the data held about the patient");
        app.get(`/account/my-data.${format}`, { schema: { response: { 200: exported } } }, async (request, reply) => {
          const { body, fileName } = await rights.data.export(await patientOf(request), format);
          return reply
            .header("cache-control", "no-store")
            .header("content-disposition", `attachment; filename="${fileName}"`)
            .type(format === "json" ? "application/json; charset=utf-8" : "application/pdf")
            .send(body);
        });
      }

      // SameSite=Lax keeps another site's form from posting here with the patient's cookie.
      app.post("/account/delete", { schema: { response: { 200: htmlPage("Erasure accepted") } } }, async (request, reply) => {
        const patientId = await patientOf(request);
        const { language } = await deps.accounts.overviewLanguage(patientId);
        await rights.erasure.request(patientId, { type: "patient", id: patientId }, "account");
        const token = sessionToken(request);
        if (token) await deps.accounts.logout(token);
        setSession(reply, "", 0, deps.secureCookies);
        return reply.header("cache-control", "no-store").type("text/html; charset=utf-8").send(renderErasureAccepted(language));
      });
    }

    app.post("/account/logout", { schema: { response: { 303: redirect("/account") } } }, async (request, reply) => {
      const token = sessionToken(request);
      if (token) await deps.accounts.logout(token);
      setSession(reply, "", 0, deps.secureCookies);
      return reply.redirect("/account", 303);
    });
  };
