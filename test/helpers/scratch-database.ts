import { inject } from "vitest";
import { createScratchDatabase } from "../../scripts/scratch";

/** A database of the suite's own on the shared server, copied from the run's migrated template (test/global-setup.ts). */
export const scratchDatabase = (purpose: string) => createScratchDatabase(purpose, undefined, { template: inject("templateDatabase") });

/** The same on a server of the test's own (`adminUrl`): a copy of the template restored from a pg_dump, not migrated again. */
export const scratchDatabaseOn = (adminUrl: string, purpose: string) => createScratchDatabase(purpose, adminUrl, { dumpOf: inject("dumpSourceUrl") });

export type ScratchDatabase = Awaited<ReturnType<typeof createScratchDatabase>>;
