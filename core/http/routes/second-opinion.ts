import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  consultationTranslationSchema,
  interpreterItemSchema,
  translationInputSchema,
  type Translations,
} from "../../second-opinion/translations";
import { sendStoredFile } from "../responses";

const idParams = z.object({ id: z.uuid() });

/**
 * Translations of second-opinion documents: interpreters list what they are asked to translate, read the original
 * and return the translation; the consultation's doctors read the translations beside the originals. Who may do
 * what is the Translations service's rule (interpreters only; a doctor in the patient's care).
 */
export const secondOpinionRoutes = (deps: { translations: Translations }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get("/translations", { schema: { response: { 200: z.object({ translations: z.array(interpreterItemSchema) }) } } }, async (request) => ({
    translations: await deps.translations.forInterpreter(request.staff),
  }));

  // The original, like every file to staff: not cached by the browser, never sniffed into another type.
  app.get("/translations/:id/original", { schema: { params: idParams, response: { 200: z.unknown().describe("the original document's bytes, sent as they are") } } }, async (request, reply) => {
    const file = await deps.translations.original(request.staff, request.params.id);
    return sendStoredFile(reply, file);
  });

  app.post("/translations/:id", { schema: { params: idParams, body: translationInputSchema, response: { 200: interpreterItemSchema } } }, async (request) =>
    deps.translations.submit(request.staff, request.params.id, request.body),
  );

  app.get(
    "/consultations/:id/translations",
    { schema: { params: idParams, response: { 200: z.object({ translations: z.array(consultationTranslationSchema) }) } } },
    async (request) => ({ translations: await deps.translations.forConsultation(request.staff, request.params.id) }),
  );
};
