-- CreateTable
CREATE TABLE "Specialty" (
    "code" TEXT NOT NULL,
    "nameRu" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "escalateAfterMinutes" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Specialty_pkey" PRIMARY KEY ("code")
);

-- The specialties a clinic starts with (admins add, rename or retire them in the console)
INSERT INTO "Specialty" ("code", "nameRu", "nameEn", "updatedAt") VALUES
  ('gp', 'Терапевт (врач общей практики)', 'General practitioner', now()),
  ('pediatrics', 'Педиатр', 'Pediatrician', now()),
  ('dermatology', 'Дерматолог', 'Dermatologist', now()),
  ('cardiology', 'Кардиолог', 'Cardiologist', now()),
  ('neurology', 'Невролог', 'Neurologist', now()),
  ('endocrinology', 'Эндокринолог', 'Endocrinologist', now()),
  ('gynecology', 'Гинеколог', 'Gynecologist', now()),
  ('psychiatry', 'Психиатр', 'Psychiatrist', now());
