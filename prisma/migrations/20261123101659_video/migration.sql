-- CreateEnum
CREATE TYPE "VideoVisitStatus" AS ENUM ('waiting', 'accepted', 'in_call', 'ended', 'left');

-- CreateTable
CREATE TABLE "DutyShift" (
    "id" UUID NOT NULL,
    "doctorId" UUID NOT NULL,
    "specialty" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DutyShift_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Interpreter" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "languages" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Interpreter_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VideoVisit" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "consultationId" UUID,
    "appointmentId" UUID,
    "specialty" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "needsInterpreter" BOOLEAN NOT NULL DEFAULT false,
    "status" "VideoVisitStatus" NOT NULL DEFAULT 'waiting',
    "room" TEXT NOT NULL,
    "doctorId" UUID,
    "interpreterId" UUID,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "durationSeconds" INTEGER,

    CONSTRAINT "VideoVisit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VideoParticipantEvent" (
    "id" UUID NOT NULL,
    "visitId" UUID NOT NULL,
    "identity" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VideoParticipantEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LivekitWebhookEvent" (
    "id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LivekitWebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecordingConsent" (
    "id" UUID NOT NULL,
    "visitId" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "givenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "withdrawnAt" TIMESTAMP(3),

    CONSTRAINT "RecordingConsent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VideoRecording" (
    "id" UUID NOT NULL,
    "visitId" UUID NOT NULL,
    "egressId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedById" UUID NOT NULL,
    "storedFileId" UUID,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "VideoRecording_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VideoSlot" (
    "id" UUID NOT NULL,
    "doctorId" UUID NOT NULL,
    "specialty" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VideoSlot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Appointment" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "slotId" UUID NOT NULL,
    "activeSlotId" UUID,
    "status" TEXT NOT NULL DEFAULT 'booked',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelledAt" TIMESTAMP(3),

    CONSTRAINT "Appointment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DutyShift_startsAt_endsAt_idx" ON "DutyShift"("startsAt", "endsAt");

-- CreateIndex
CREATE UNIQUE INDEX "VideoVisit_appointmentId_key" ON "VideoVisit"("appointmentId");

-- CreateIndex
CREATE UNIQUE INDEX "VideoVisit_room_key" ON "VideoVisit"("room");

-- CreateIndex
CREATE INDEX "VideoVisit_status_specialty_language_idx" ON "VideoVisit"("status", "specialty", "language");

-- CreateIndex
CREATE INDEX "VideoVisit_endedAt_idx" ON "VideoVisit"("endedAt");

-- CreateIndex
CREATE INDEX "VideoParticipantEvent_visitId_at_idx" ON "VideoParticipantEvent"("visitId", "at");

-- CreateIndex
CREATE INDEX "RecordingConsent_visitId_idx" ON "RecordingConsent"("visitId");

-- CreateIndex
CREATE UNIQUE INDEX "VideoRecording_egressId_key" ON "VideoRecording"("egressId");

-- CreateIndex
CREATE INDEX "VideoRecording_visitId_idx" ON "VideoRecording"("visitId");

-- CreateIndex
CREATE INDEX "VideoSlot_specialty_startsAt_idx" ON "VideoSlot"("specialty", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Appointment_activeSlotId_key" ON "Appointment"("activeSlotId");

-- AddForeignKey
ALTER TABLE "DutyShift" ADD CONSTRAINT "DutyShift_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VideoVisit" ADD CONSTRAINT "VideoVisit_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VideoVisit" ADD CONSTRAINT "VideoVisit_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VideoParticipantEvent" ADD CONSTRAINT "VideoParticipantEvent_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "VideoVisit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecordingConsent" ADD CONSTRAINT "RecordingConsent_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "VideoVisit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VideoRecording" ADD CONSTRAINT "VideoRecording_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "VideoVisit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VideoSlot" ADD CONSTRAINT "VideoSlot_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_slotId_fkey" FOREIGN KEY ("slotId") REFERENCES "VideoSlot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_activeSlotId_fkey" FOREIGN KEY ("activeSlotId") REFERENCES "VideoSlot"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The unique index on "activeSlotId" is what makes a double booking of a slot impossible, SlotBooking sets it
-- to the booking's own slot. (A CHECK that the two are equal would say so in the database, but Prisma 6.19's
-- WASM schema engine panics when it reads CHECK constraints, which breaks `npm run db:migrate:new`.)
