import { z } from "zod";

// zod probes `new Function("")` before compiling a parser: under the console's CSP (no 'unsafe-eval') that probe
// is refused and reported as a violation, so the console tells zod to interpret instead. Imported first in
// main.tsx, because schemas imported from core/ are built while their modules load.
z.config({ jitless: true });
