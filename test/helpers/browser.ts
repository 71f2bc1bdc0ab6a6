import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { freshTotpCode } from "./totp";
import { startHarness, type Harness } from "./harness";

/** Debian's Chromium, headless, with the flags this machine's closed network needs (and any `extraArgs`). */
export const launchChromium = (extraArgs: string[] = []): Promise<Browser> =>
  chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", ...extraArgs],
  });

export const staffPassword = "correct horse battery";

export interface StaffLogin {
  email: string;
  secret: string;
  doctorId: string | null;
}

/** A staff member with a unique email; doctors speak ru and en. */
export async function createStaff(h: Harness, key: string, role: "doctor" | "operator" | "admin", specialties: string[] = []): Promise<StaffLogin> {
  const email = `${key}-${Date.now()}@clinic.test`;
  const created = await h.services.staff.create({ email, name: `${key} ${role}`, role, password: staffPassword, specialties, languages: role === "doctor" ? ["ru", "en"] : [] });
  return { email, secret: created.totpSecret, doctorId: created.staff.doctor?.id ?? null };
}

/** Logs in through the console's form (password and TOTP) and waits for the queue. */
export async function loginConsole(context: BrowserContext, base: string, staff: StaffLogin): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/console/`);
  await page.fill("input[name=email]", staff.email);
  await page.fill("input[name=password]", staffPassword);
  await page.fill("input[name=code]", await freshTotpCode(staff.secret));
  await page.click("button[type=submit]");
  await page.waitForSelector("[data-testid=queue]");
  return page;
}

/** The harness listening on a free port and a Chromium beside it: what every browser test file starts with. */
export async function startBrowserHarness(...args: Parameters<typeof startHarness>): Promise<{ h: Harness; base: string; browser: Browser }> {
  const h = await startHarness(...args);
  const base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  return { h, base, browser: await launchChromium() };
}

/** Chromium first (its pages talk to the api), then the harness; either may be missing when the start failed. */
export async function closeBrowserHarness(h: Harness | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await h?.close();
}
