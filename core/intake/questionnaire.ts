import { z } from "zod";

/**
 * The triage questionnaires as data: a clinician changes questions here, never in the dialogue's code.
 * Texts are `bot:intake.q.<id>.text` (and `.options.<value>` for choices) in every locales/<lang>/bot.json.
 */
const questionSchema = z.discriminatedUnion("type", [
  z.object({ id: z.string(), type: z.literal("choice"), options: z.array(z.string()).min(2).max(8) }),
  z.object({ id: z.string(), type: z.literal("yes_no") }),
  z.object({ id: z.string(), type: z.literal("number"), min: z.number(), max: z.number() }),
  z.object({ id: z.string(), type: z.literal("text") }),
]);
export type Question = z.infer<typeof questionSchema>;

export const complaintAreas = ["head", "chest", "abdomen", "back_limbs", "skin", "cold", "child", "mental", "other"] as const;
export const complaintAreaSchema = z.enum(complaintAreas);
export type ComplaintArea = z.infer<typeof complaintAreaSchema>;

const questionnaires = z.record(complaintAreaSchema, z.array(questionSchema)).parse({
  head: [
    { id: "head_sudden", type: "yes_no" },
    { id: "face_droop", type: "yes_no" },
    { id: "temperature", type: "number", min: 34, max: 43 },
  ],
  chest: [
    { id: "chest_breathless", type: "yes_no" },
    { id: "chest_pain_kind", type: "choice", options: ["pressing", "stabbing", "burning", "on_breathing"] },
  ],
  abdomen: [
    { id: "abdomen_where", type: "choice", options: ["upper", "lower", "whole"] },
    { id: "vomiting_blood", type: "yes_no" },
    { id: "temperature", type: "number", min: 34, max: 43 },
  ],
  back_limbs: [
    { id: "injury", type: "yes_no" },
    { id: "numbness", type: "yes_no" },
  ],
  skin: [
    { id: "skin_swelling_breathing", type: "yes_no" },
    { id: "skin_spread", type: "choice", options: ["one_place", "several", "whole_body"] },
  ],
  cold: [
    { id: "temperature", type: "number", min: 34, max: 43 },
    { id: "cough", type: "yes_no" },
  ],
  child: [
    { id: "child_age", type: "number", min: 0, max: 17 },
    { id: "temperature", type: "number", min: 34, max: 43 },
    { id: "child_lethargic", type: "yes_no" },
  ],
  mental: [
    { id: "self_harm", type: "yes_no" },
    { id: "mood_duration", type: "choice", options: ["days", "weeks", "months"] },
  ],
  other: [{ id: "details", type: "text" }],
});

export const questionsFor = (area: ComplaintArea): Question[] => questionnaires[area];

export type Answer = { questionId: string; answer: string | number | boolean };

/** The patient's reply to a question, or undefined when it does not fit (the question is asked again). */
export function parseAnswer(question: Question, raw: string): Answer["answer"] | undefined {
  switch (question.type) {
    case "yes_no":
      return raw === "yes" ? true : raw === "no" ? false : undefined;
    case "choice":
      return question.options.includes(raw) ? raw : undefined;
    case "number": {
      const value = Number(raw.trim().replace(",", "."));
      return Number.isFinite(value) && value >= question.min && value <= question.max ? value : undefined;
    }
    case "text": {
      const text = raw.trim();
      return text.length > 0 && text.length <= 2000 ? text : undefined;
    }
  }
}
