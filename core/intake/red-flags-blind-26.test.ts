import { describe, expect, it } from "vitest";
import { raisedIds as raised } from "../../test/helpers/shipped-red-flags";

/** blind-26's one missed emergency (its first run stays the honest figure: triage-eval.ts, `untouchedParts`). */
describe("red flags: blind-26's miss", () => {
  it("reads the Azerbaijani 'sular gəldi' (the waters came, plural) at 26 weeks as preterm rupture, not 'sular gəlmədi'", () => {
    expect(raised("az", "26 həftəlik hamiləyəm, indicə sular gəldi, ayaqlarımdan axır, hələ ağrı yoxdur. sabah həkimə getsəm olar?")).toContain("preterm_rupture");
    expect(raised("az", "30 heftelik hamileyem suyum geldi")).toContain("preterm_rupture");
    expect(raised("az", "hamiləyəm 20 həftə, sular gəlmədi, hər şey yaxşıdır, vitamin soruşmaq istəyirəm")).not.toContain("preterm_rupture");
  });
});
