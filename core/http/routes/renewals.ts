import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CareAccess } from "../../access/care-access";
import { declineBodySchema, decisionSchema, renewalItemSchema } from "../../renewals/renewal";
import type { RenewalDesk } from "../../renewals/renewal-desk";

const idParams = z.object({ id: z.uuid() });

export interface RenewalRouteDeps {
  renewals: RenewalDesk;
}

/**
 * The renewal queue for doctors (issue 18 point 4). Which requests a doctor sees and may decide is the renewal
 * desk's routing rule (their prescriptions, or their specialty's when the prescriber is away), as the consultation
 * queue's is; the acting doctor comes from the credentials.
 */
export const renewalRoutes = (deps: RenewalRouteDeps & { access: CareAccess }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const { access, renewals } = deps;

  app.get("/renewals", { schema: { response: { 200: z.object({ renewals: z.array(renewalItemSchema) }) } } }, async (request) => ({
    renewals: await renewals.queue(access.doctor(request.staff)),
  }));

  app.post("/renewals/:id/approve", { schema: { params: idParams, response: { 200: decisionSchema } } }, async (request) =>
    renewals.approve(access.doctor(request.staff), request.params.id),
  );

  app.post("/renewals/:id/change", { schema: { params: idParams, response: { 200: decisionSchema } } }, async (request) =>
    renewals.change(access.doctor(request.staff), request.params.id),
  );

  app.post("/renewals/:id/decline", { schema: { params: idParams, body: declineBodySchema, response: { 200: decisionSchema } } }, async (request) =>
    renewals.decline(access.doctor(request.staff), request.params.id, request.body.reason),
  );
};
