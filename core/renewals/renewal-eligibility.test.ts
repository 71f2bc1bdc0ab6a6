import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { protocolContentSchema, type InPersonVisit } from "../protocols/protocol";
import { assertRecentVisit, isActive, renewable, visitBehind } from "./renewal-eligibility";

const now = new Date("2026-11-30T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const visit = (id: string, icd10Code: string, days: number): InPersonVisit => ({
  id,
  patientId: "p",
  visitedAt: daysAgo(days),
  icd10Code,
  problem: "x",
  source: "staff",
  externalId: null,
  recordedById: null,
});
const content = protocolContentSchema.parse({
  assessment: { kind: "diagnosis", codes: ["I10"] },
  prescriptions: [
    { medicine: "Лозартан", dose: "50 мг", schedule: "утром", durationDays: 30, treatmentChange: "change" },
    { medicine: "Амлодипин", dose: "5 мг", schedule: "-", durationDays: 1, treatmentChange: "stop" },
  ],
});

describe("renewal eligibility", () => {
  it("renews what was not stopped, while the longest course runs", () => {
    expect(renewable(content).map((p) => p.medicine)).toEqual(["Лозартан"]);
    expect(isActive(content, daysAgo(29), now)).toBe(true);
    expect(isActive(content, daysAgo(30), now)).toBe(false);
    expect(isActive(protocolContentSchema.parse({}), daysAgo(1), now)).toBe(false);
  });

  it("rests on the newest visit the guardrail links to the problem: same ICD-10 category, or linked by the doctor", () => {
    const visits = [visit("old", "I10", 300), visit("new", "I11.9", 20), visit("other", "J06.9", 5)];
    expect(visitBehind(content, visits, now)?.id).toBe("old");
    expect(visitBehind({ ...content, assessment: { ...content.assessment, codes: ["I11.0"] } }, visits, now)?.id).toBe("new");
    expect(visitBehind({ ...content, followUpOfVisitId: "other" }, visits, now)?.id).toBe("other");
  });

  it("refuses when that visit is older than the limit, or there is none", () => {
    expect(assertRecentVisit(content, [visit("v", "I10", 365)], 365, now).id).toBe("v");
    const refusal = (visits: InPersonVisit[]) => {
      try {
        assertRecentVisit(content, visits, 365, now);
      } catch (error) {
        return error as AppError;
      }
      throw new Error("not refused");
    };
    expect(refusal([visit("v", "I10", 366)])).toMatchObject({ code: "in_person_visit_outdated", details: { lastVisitAt: daysAgo(366).toISOString(), maxAgeDays: 365 } });
    expect(refusal([visit("v", "J06.9", 1)])).toMatchObject({ code: "in_person_visit_outdated", details: { lastVisitAt: null } });
  });
});
