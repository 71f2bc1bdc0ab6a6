-- AlterEnum
ALTER TYPE "ConsultationKind" ADD VALUE 'second_opinion';

-- CreateTable
CREATE TABLE "Intake" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "complaint" TEXT NOT NULL,
    "area" TEXT,
    "questionIndex" INTEGER NOT NULL DEFAULT 0,
    "answers" JSONB NOT NULL DEFAULT '[]',
    "exam" JSONB,
    "redFlags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "format" TEXT,
    "consultationId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Intake_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RedFlagRule" (
    "id" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "phrases" JSONB NOT NULL,
    "answers" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RedFlagRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdentityVerification" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "level" "IdentityLevel" NOT NULL,
    "method" TEXT NOT NULL,
    "subject" TEXT,
    "actorId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdentityVerification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Intake_consultationId_key" ON "Intake"("consultationId");

-- CreateIndex
CREATE INDEX "Intake_patientId_step_idx" ON "Intake"("patientId", "step");

-- CreateIndex
CREATE INDEX "IdentityVerification_patientId_at_idx" ON "IdentityVerification"("patientId", "at");
