import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { examLinkGone, examPage } from "../../exam/exam-page";
import { examResultSchema } from "../../exam/exam-result";
import type { ExamSessions } from "../../exam/exam-sessions";
import { languages, type Language } from "../../i18n";
import { htmlPage, noContent } from "../responses";

const tokenParams = z.object({ token: z.string().min(20).max(100) });

/**
 * The body-map page: `/exam/link/<token>` for a one-time link (VK, the widget), `/exam/app` as a Telegram
 * Mini App whose submission carries Telegram's signed initData. Bad input answers 400 with the reason.
 */
export const examPageRoutes = (deps: { exams: ExamSessions; defaultLanguage: Language }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get("/exam/link/:token", { schema: { params: tokenParams, response: { 200: htmlPage("The body-map page"), 410: htmlPage("The link is used or expired") } } }, async (request, reply) => {
    const language = await deps.exams.linkLanguage(request.params.token);
    if (!language) return reply.status(410).type("text/html").send(examLinkGone(deps.defaultLanguage));
    return reply.type("text/html").send(examPage(language, { mode: "link", endpoint: `/exam/link/${request.params.token}` }));
  });

  app.post("/exam/link/:token", { schema: { params: tokenParams, body: z.object({ exam: examResultSchema }), response: { 204: noContent } } }, async (request, reply) => {
    await deps.exams.submitByLink(request.params.token, request.body.exam);
    return reply.status(204).send();
  });

  app.get(
    "/exam/app",
    { schema: { querystring: z.object({ intake: z.uuid(), lang: z.enum(languages).optional() }), response: { 200: htmlPage("The body-map Mini App") } } },
    async (request, reply) =>
      reply
        .type("text/html")
        .send(examPage(request.query.lang ?? deps.defaultLanguage, { mode: "app", endpoint: "/exam/app", intakeId: request.query.intake })),
  );

  app.post(
    "/exam/app",
    { schema: { body: z.object({ initData: z.string().max(4096), intakeId: z.uuid(), exam: examResultSchema }), response: { 204: noContent } } },
    async (request, reply) => {
      await deps.exams.submitByInitData(request.body.initData, request.body.intakeId, request.body.exam);
      return reply.status(204).send();
    },
  );
};
