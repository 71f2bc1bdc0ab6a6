import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";

/** How a partner laboratory delivers results: it pushes to us with its token, or we pull from its FHIR server. */
const deliverySchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("push"),
      /** The lab's bearer token, or only its sha256 (hex) so the secret need not sit in the config. */
      token: z.string().min(16).optional(),
      tokenSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    })
    .refine((d) => d.token || d.tokenSha256, "push delivery needs token or tokenSha256"),
  z.object({
    type: z.literal("pull"),
    baseUrl: z.url(),
    bearerToken: z.string().optional(),
    intervalSeconds: z.number().int().min(5).default(300),
  }),
]);

export const labSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,20}$/, "1-20 characters of a-z, 0-9, _ and -"),
  name: z.string().min(1).max(60),
  delivery: deliverySchema,
});
export type Lab = z.infer<typeof labSchema>;

const labsSchema = z.array(labSchema).refine((labs) => new Set(labs.map((l) => l.id)).size === labs.length, "lab ids must be unique");

/** LABS_CONFIG: the partner laboratories as a JSON array. */
export const labsConfigSchema = z.string().transform((text, ctx) => {
  try {
    const parsed = labsSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: "custom", message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
  } catch {
    ctx.addIssue({ code: "custom", message: "must be JSON" });
  }
  return z.NEVER;
});

/** From LABS_CONFIG, else from the file LABS_CONFIG_FILE, else none. */
export function loadLabs(config: { LABS_CONFIG?: Lab[]; LABS_CONFIG_FILE?: string }): Lab[] {
  if (config.LABS_CONFIG) return config.LABS_CONFIG;
  if (config.LABS_CONFIG_FILE) return labsConfigSchema.parse(readFileSync(config.LABS_CONFIG_FILE, "utf8"));
  return [];
}

export class LabDirectory {
  constructor(readonly labs: Lab[]) {}

  get(id: string): Lab | undefined {
    return this.labs.find((lab) => lab.id === id);
  }

  /** Constant-time check of a pushing lab's bearer token. */
  authenticates(labId: string, token: string | undefined): boolean {
    const lab = this.get(labId);
    if (!lab || lab.delivery.type !== "push" || !token) return false;
    const expected = lab.delivery.tokenSha256 ?? sha256(lab.delivery.token!);
    return timingSafeEqual(Buffer.from(sha256(token)), Buffer.from(expected));
  }

  pulling() {
    return this.labs.flatMap((lab) => (lab.delivery.type === "pull" ? [{ ...lab, delivery: lab.delivery }] : []));
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
