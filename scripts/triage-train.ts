// npm run triage:train — trains the emergency-wording model (core/intake/triage-model.ts) on the vignettes but the
// untouched blind parts and writes core/intake/triage-model.json; run it after the vignettes change (a test says so).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { train, trainingExamples } from "../core/intake/triage-model-training";
import { modelVersion } from "../core/intake/triage-model";

const examples = trainingExamples();
const model = train(examples);
const text = `${JSON.stringify(model)}\n`;
writeFileSync(join(import.meta.dirname, "..", "core", "intake", "triage-model.json"), text);
console.log(`${modelVersion(text)}: ${examples.length} vignettes, ${Object.keys(model.weights).length} weights kept`);
