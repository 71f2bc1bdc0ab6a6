import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { SecureChat } from "../../private-mode/secure-chat";

/** Private mode: the web chat page exchanges the one-time link a messenger notice carried for a visitor token. */
export const secureChatRoutes = (deps: { secureChat: SecureChat }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.post(
    "/widget/api/secure-session",
    {
      schema: {
        body: z.object({ login: z.string().min(20).max(200) }),
        response: { 200: z.object({ token: z.string() }), 401: z.object({ code: z.string(), message: z.string() }) },
      },
    },
    async (request, reply) => {
      const session = await deps.secureChat.redeem(request.body.login);
      if (!session) return reply.status(401).send({ code: "unauthorized", message: "the link is unknown, used or expired" });
      return reply.header("cache-control", "no-store").send(session);
    },
  );
};
