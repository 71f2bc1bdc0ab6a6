-- CreateEnum
CREATE TYPE "RenewalStatus" AS ENUM ('requested', 'approved', 'changed', 'declined');

-- CreateTable
CREATE TABLE "PrescriptionRenewal" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "protocolId" UUID NOT NULL,
    "prescriberId" UUID NOT NULL,
    "specialty" TEXT NOT NULL,
    "openFor" UUID,
    "via" TEXT NOT NULL,
    "status" "RenewalStatus" NOT NULL DEFAULT 'requested',
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "declineReason" TEXT,
    "resultProtocolId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PrescriptionRenewal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PrescriptionRenewal_openFor_key" ON "PrescriptionRenewal"("openFor");

-- CreateIndex
CREATE INDEX "PrescriptionRenewal_status_createdAt_idx" ON "PrescriptionRenewal"("status", "createdAt");

-- CreateIndex
CREATE INDEX "PrescriptionRenewal_patientId_createdAt_idx" ON "PrescriptionRenewal"("patientId", "createdAt");

-- CreateIndex
CREATE INDEX "PrescriptionRenewal_decidedById_patientId_idx" ON "PrescriptionRenewal"("decidedById", "patientId");
