import { inject } from "vitest";
import { createScratchDatabase } from "../../scripts/scratch";

/** A database of the suite's own on the shared server, copied from the run's migrated template (test/global-setup.ts). */
export const scratchDatabase = (purpose: string) => createScratchDatabase(purpose, undefined, { template: inject("templateDatabase") });

export type ScratchDatabase = Awaited<ReturnType<typeof createScratchDatabase>>;
