-- CreateEnum
CREATE TYPE "ReminderKind" AS ENUM ('medication', 'appointment', 'follow_up', 'rating');

-- CreateEnum
CREATE TYPE "ReminderStatus" AS ENUM ('scheduled', 'sent', 'taken', 'snoozed', 'missed', 'answered', 'cancelled');

-- CreateTable
CREATE TABLE "MedicationSchedule" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "doctorId" UUID,
    "consultationId" UUID,
    "prescriptionRef" TEXT,
    "medicine" TEXT NOT NULL,
    "dose" TEXT NOT NULL,
    "timesOfDay" TEXT[],
    "timezone" TEXT,
    "startDate" TEXT NOT NULL,
    "endDate" TEXT NOT NULL,
    "missedAfterMinutes" INTEGER NOT NULL DEFAULT 120,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelledAt" TIMESTAMP(3),

    CONSTRAINT "MedicationSchedule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReminderOccurrence" (
    "id" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" "ReminderKind" NOT NULL,
    "patientId" UUID NOT NULL,
    "scheduleId" UUID,
    "consultationId" UUID,
    "refId" TEXT,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "dueAt" TIMESTAMP(3) NOT NULL,
    "sendAt" TIMESTAMP(3) NOT NULL,
    "status" "ReminderStatus" NOT NULL DEFAULT 'scheduled',
    "outboxId" UUID,
    "sentAt" TIMESTAMP(3),
    "respondBy" TIMESTAMP(3),
    "answeredAt" TIMESTAMP(3),
    "parentId" UUID,
    "answer" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReminderOccurrence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReminderPreference" (
    "patientId" UUID NOT NULL,
    "quietStart" TEXT,
    "quietEnd" TEXT,

    CONSTRAINT "ReminderPreference_pkey" PRIMARY KEY ("patientId")
);

-- CreateIndex
CREATE UNIQUE INDEX "MedicationSchedule_prescriptionRef_key" ON "MedicationSchedule"("prescriptionRef");

-- CreateIndex
CREATE INDEX "MedicationSchedule_patientId_idx" ON "MedicationSchedule"("patientId");

-- CreateIndex
CREATE UNIQUE INDEX "ReminderOccurrence_idempotencyKey_key" ON "ReminderOccurrence"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "ReminderOccurrence_outboxId_key" ON "ReminderOccurrence"("outboxId");

-- CreateIndex
CREATE INDEX "ReminderOccurrence_status_sendAt_idx" ON "ReminderOccurrence"("status", "sendAt");

-- CreateIndex
CREATE INDEX "ReminderOccurrence_status_respondBy_idx" ON "ReminderOccurrence"("status", "respondBy");

-- CreateIndex
CREATE INDEX "ReminderOccurrence_patientId_dueAt_idx" ON "ReminderOccurrence"("patientId", "dueAt");

-- CreateIndex
CREATE INDEX "ReminderOccurrence_refId_idx" ON "ReminderOccurrence"("refId");

-- AddForeignKey
ALTER TABLE "MedicationSchedule" ADD CONSTRAINT "MedicationSchedule_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReminderOccurrence" ADD CONSTRAINT "ReminderOccurrence_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReminderOccurrence" ADD CONSTRAINT "ReminderOccurrence_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "MedicationSchedule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReminderPreference" ADD CONSTRAINT "ReminderPreference_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
