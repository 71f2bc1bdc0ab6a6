-- CreateEnum
CREATE TYPE "ColleagueInvitationStatus" AS ENUM ('open', 'answered', 'withdrawn');

-- CreateTable
CREATE TABLE "ColleagueInvitation" (
    "id" UUID NOT NULL,
    "consultationId" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "invitedById" UUID NOT NULL,
    "colleagueId" UUID,
    "specialty" TEXT,
    "question" TEXT NOT NULL,
    "answer" TEXT,
    "status" "ColleagueInvitationStatus" NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acceptedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "ColleagueInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ColleagueInvitation_consultationId_createdAt_idx" ON "ColleagueInvitation"("consultationId", "createdAt");

-- CreateIndex
CREATE INDEX "ColleagueInvitation_colleagueId_status_idx" ON "ColleagueInvitation"("colleagueId", "status");

-- CreateIndex
CREATE INDEX "ColleagueInvitation_specialty_status_idx" ON "ColleagueInvitation"("specialty", "status");

-- CreateIndex
CREATE INDEX "ColleagueInvitation_patientId_status_idx" ON "ColleagueInvitation"("patientId", "status");
