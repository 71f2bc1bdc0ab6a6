import { loadConfigOrExit } from "../core/config";
import { createPrisma } from "../core/db/prisma";
import { DoctorDirectory } from "../core/doctors/doctors";

/**
 * Creates a doctor for the console API and prints the bearer token once (only its hash is stored).
 * Usage: npm run db:seed -- "Anna Petrova" gp,therapist ru,en
 */
const [name = "Demo Doctor", specialties = "gp", languages = "ru,en"] = process.argv.slice(2);
const config = loadConfigOrExit();
const db = createPrisma(config.DATABASE_URL);
try {
  const { doctor, apiToken } = await new DoctorDirectory(db).create({
    name,
    specialties: specialties.split(","),
    languages: languages.split(","),
  });
  process.stdout.write(`Doctor ${doctor.name} (${doctor.id})\nConsole API token (shown once): ${apiToken}\n`);
} finally {
  await db.$disconnect();
}
