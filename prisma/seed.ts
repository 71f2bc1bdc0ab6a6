import { loadConfigOrExit } from "../core/config";
import { createPrisma } from "../core/db/prisma";
import { DoctorDirectory } from "../core/doctors/doctor-directory";
import { DoctorRepository } from "../core/doctors/doctor-repository";

/**
 * A console API token for scripts and integrations, printed once (only its hash is stored).
 *   npm run db:seed -- --staff doctor@clinic.example   the token of an existing console doctor (staff:create)
 *   npm run db:seed -- "Anna Petrova" gp,dermatology ru,en   a separate doctor with API access only, no console login
 * A new token replaces the doctor's previous one.
 */
const args = process.argv.slice(2);
const config = loadConfigOrExit();
const db = createPrisma(config.DATABASE_URL);
try {
  if (args[0] === "--staff") {
    const email = args[1] ?? "";
    const issued = email ? await new DoctorDirectory(new DoctorRepository(db)).issueApiTokenForStaff(email) : undefined;
    if (!issued) {
      process.stderr.write(`db:seed: no console doctor with the email "${email}"; create one with npm run staff:create\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`Doctor ${issued.doctor.name} (${issued.doctor.id}), console account ${email}\nConsole API token (shown once): ${issued.apiToken}\n`);
    }
  } else {
    const [name = "Demo Doctor", specialties = "gp", languages = "ru,en"] = args;
    const { doctor, apiToken } = await new DoctorDirectory(new DoctorRepository(db)).create({
      name,
      specialties: specialties.split(","),
      languages: languages.split(","),
    });
    process.stdout.write(`Doctor ${doctor.name} (${doctor.id}), API access only (no console login)\nConsole API token (shown once): ${apiToken}\n`);
  }
} finally {
  await db.$disconnect();
}
