import { mkdirSync, readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAnalyticsSample } from "./helpers/analytics-sample";
import { closeBrowserHarness, createStaff, loginConsole, type StaffLogin, startBrowserHarness } from "./helpers/browser";
import type { Harness } from "./helpers/harness";

/**
 * The admin's analytics screen in Chromium at phone and desktop widths: the fortnight of
 * test/helpers/analytics-sample.ts seeded in 2022 (figures as in test/analytics.e2e.test.ts), the roll-ups rebuilt
 * with the screen's own button, the figures, four charts drawn on canvas, the doctors' NPS, the CSV download, and
 * not one CSP violation. Screenshots in test-output/console-analytics/.
 */
const shots = "test-output/console-analytics";
mkdirSync(shots, { recursive: true });

let h: Harness;
let browser: Browser;
let base: string;
let admin: StaffLogin;
let names: { a: string; b: string };

beforeAll(async () => {
  ({ h, base, browser } = await startBrowserHarness({}, { workers: false }));
  admin = await createStaff(h, "analytics-admin", "admin");
  const { doctorA, doctorB } = await seedAnalyticsSample(h.db, "2022-04-25");
  names = { a: doctorA.name, b: doctorB.name };
}, 60_000);

afterAll(async () => {
  await closeBrowserHarness(h, browser);
});

async function openAnalytics(width: number, height: number) {
  const context = await browser.newContext({ locale: "ru-RU", timezoneId: "Europe/Moscow", viewport: { width, height }, acceptDownloads: true });
  const violations: string[] = [];
  await context.exposeBinding("reportCspViolation", (_source, text: string) => void violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      void (window as unknown as { reportCspViolation(t: string): void }).reportCspViolation(`${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber} ${e.sample})`);
    });
  });
  context.on("page", (page) =>
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
    }),
  );
  const page = await loginConsole(context, base, admin);
  await page.getByRole("button", { name: "Аналитика" }).click();
  await page.getByTestId("analytics").waitFor();
  await page.fill("input[name=to]", "2022-05-08");
  await page.fill("input[name=from]", "2022-04-25");
  await page.getByRole("button", { name: "Недели" }).click();
  await page.getByTestId("analytics-as-of").getByRole("button", { name: "Обновить" }).click();
  await expect.poll(() => page.getByTestId("kpi-consultations").locator("dd").textContent(), { timeout: 20_000 }).toBe("6");
  return { context, page, violations };
}

/** Pixels a chart has drawn (not transparent): a canvas of the right size that stayed blank would be 0. */
const drawnPixels = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) drawn++;
    return drawn;
  });

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

describe("the analytics screen", () => {
  for (const [label, width, height] of [["desktop", 1440, 1000], ["phone", 390, 844]] as const) {
    it(`shows the figures, charts and doctors' NPS and downloads the CSV (${label}, ${width} px)`, async () => {
      const { context, page, violations } = await openAnalytics(width, height);
      const kpi = (id: string) => page.getByTestId(`kpi-${id}`).locator("dd").textContent();
      expect(await kpi("first-reply")).toBe("30.0 / 46.0");
      expect(await kpi("call-wait")).toBe("10.0 / 14.0");
      expect(await kpi("red-flags")).toBe("2");
      expect(await kpi("escalations")).toBe("1");
      expect(await kpi("conversion")).toBe("42.9");
      expect(await kpi("no-shows")).toBe("3");
      expect(await kpi("nps")).toBe("20");

      for (const chart of ["chart-groups", "chart-waits", "chart-bookings", "chart-nps"]) {
        const box = await page.getByTestId(chart).boundingBox();
        expect(box?.width, chart).toBeGreaterThan(width > 500 ? 400 : 250);
        expect(box?.height, chart).toBeGreaterThan(200);
        expect(await drawnPixels(page, chart), chart).toBeGreaterThan(500);
      }
      // Words, not codes: the specialty's name from the directory, the channel's and the outcome's names.
      await expect.poll(() => page.getByTestId("analytics-specialty").textContent()).toContain("Терапевт");
      expect(await page.getByTestId("analytics-channel").textContent()).toContain("ВКонтакте");
      expect(await page.getByTestId("analytics-outcome").textContent()).toContain("Даны рекомендации");
      const doctors = await page
        .getByTestId("analytics-doctors")
        .locator("tbody tr")
        .evaluateAll((rows) => rows.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent)));
      // name, NPS, ratings, promoters, passives, detractors
      expect(doctors).toEqual([
        [names.a, "33.3", "3", "2", "0", "1"],
        [names.b, "0", "2", "0", "2", "0"],
      ]);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${shots}/analytics-${width}.png`, fullPage: true });

      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("analytics-csv").click()]);
      expect(download.suggestedFilename()).toBe("telecons-analytics-2022-04-25-2022-05-08-week.csv");
      const csv = readFileSync((await download.path())!, "utf8").split("\r\n");
      expect(csv.slice(1)).toEqual([
        "2022-04-25,3,3,20,28,2,2,10,14,1,0,3,2,1,0,0,66.7,3,2,1,0,66.7",
        "2022-05-02,3,2,45,49,1,0,,,1,1,4,1,2,1,0,25,2,0,1,1,-50",
        "total,6,5,30,46,3,2,10,14,2,1,7,3,3,1,0,42.9,5,2,2,1,20",
        "",
      ]);
      expect(violations).toEqual([]);
      await context.close();
    });
  }
});
