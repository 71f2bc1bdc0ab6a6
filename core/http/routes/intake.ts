import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CareAccess } from "../../access/care-access";
import type { IdentityService } from "../../identity/identity-service";
import { AppError } from "../../errors";
import { translator, type Language } from "../../i18n";
import type { OidcVerification } from "../../identity/oidc";
import type { RedFlagRules } from "../../intake/red-flag-rules";
import { redFlagRulesSchema } from "../../intake/red-flags";
import { htmlPage } from "../responses";
import { requireRole } from "../staff-auth";

export interface IntakeStaffDeps {
  identity: IdentityService;
  redFlags: RedFlagRules;
}

/**
 * Staff side of the intake: a doctor or admin confirms a patient's identity (documents seen in person or on a
 * call); an admin edits the red-flag list clinicians keep. Both are audited by the services.
 */
export const intakeStaffRoutes = (deps: IntakeStaffDeps & { access: CareAccess }) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  // Verification unlocks documents and lab results in the patient's account: the treating doctor (who saw the
  // documents on a call) or an admin at the front desk, never a doctor who does not treat the patient.
  const identityLevel = z.object({ identityLevel: z.enum(["anonymous", "phone_confirmed", "verified"]) });
  app.post("/patients/:id/identity/verify", { schema: { params: z.object({ id: z.uuid() }), response: { 200: identityLevel } } }, async (request) => {
    await deps.access.identityVerifier(request.staff, request.params.id);
    const level = await deps.identity.record(request.params.id, {
      level: "verified",
      method: "staff",
      actor: request.staff.doctor ? { type: "doctor", id: request.staff.doctor.id } : { type: "staff", id: request.staff.id },
    });
    return { identityLevel: level };
  });

  const ruleSet = z.object({ version: z.string(), rules: redFlagRulesSchema });
  app.get("/red-flags", { schema: { response: { 200: ruleSet } } }, async (request) => {
    requireRole(request, "admin");
    return deps.redFlags.current();
  });

  app.put("/red-flags", { schema: { body: z.object({ rules: redFlagRulesSchema }), response: { 200: ruleSet } } }, async (request) => {
    requireRole(request, "admin");
    await deps.redFlags.replace(request.staff.id, request.body.rules);
    return deps.redFlags.current();
  });
};

export interface IntakePublicDeps {
  oidc?: OidcVerification;
  defaultLanguage: Language;
}

/** Routes a patient's browser reaches without a staff session: the identity provider's redirect back. */
export const intakePublicRoutes = (deps: IntakePublicDeps) => async (scope: FastifyInstance) => {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const t = translator(deps.defaultLanguage);
  const page = (text: string) => `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><p>${text}</p>`;

  app.get(
    "/identity/oidc/callback",
    {
      schema: {
        querystring: z.object({ state: z.string().min(1).max(200), code: z.string().min(1).max(2000) }),
        response: { 200: htmlPage("Identity confirmed"), 401: htmlPage("The identity provider did not confirm") },
      },
    },
    async (request, reply) => {
      if (!deps.oidc) throw new AppError("not_found", "no identity provider configured");
      try {
        await deps.oidc.callback(request.query.state, request.query.code);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return reply.status(401).type("text/html").send(page(t("identity.verify.page_failed")));
      }
      return reply.type("text/html").send(page(t("identity.verify.page_done")));
    },
  );
};
