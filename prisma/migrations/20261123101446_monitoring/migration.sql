-- CreateEnum
CREATE TYPE "ReadingKind" AS ENUM ('blood_pressure', 'heart_rate', 'glucose', 'spo2', 'weight');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('open', 'acknowledged', 'resolved');

-- CreateEnum
CREATE TYPE "LabOrderStatus" AS ENUM ('awaiting_lab', 'ordered', 'partial', 'completed', 'cancelled');

-- CreateTable
CREATE TABLE "IngestionToken" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "nightscoutHash" TEXT NOT NULL,
    "label" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "IngestionToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reading" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "deviceId" TEXT NOT NULL,
    "kind" "ReadingKind" NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "value2" DOUBLE PRECISION,
    "measuredAt" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reading_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MonitoringPlan" (
    "patientId" UUID NOT NULL,
    "doctorId" UUID NOT NULL,
    "thresholds" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MonitoringPlan_pkey" PRIMARY KEY ("patientId")
);

-- CreateTable
CREATE TABLE "MonitoringAlert" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "doctorId" UUID,
    "metric" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "status" "AlertStatus" NOT NULL DEFAULT 'open',
    "openKey" TEXT,
    "firstReadingId" UUID NOT NULL,
    "lastReadingId" UUID NOT NULL,
    "lastValue" DOUBLE PRECISION NOT NULL,
    "readingsCount" INTEGER NOT NULL DEFAULT 1,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAt" TIMESTAMP(3) NOT NULL,
    "normalSince" TIMESTAMP(3),
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedBy" UUID,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "MonitoringAlert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabOrder" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "patientId" UUID NOT NULL,
    "doctorId" UUID NOT NULL,
    "referralId" TEXT,
    "tests" TEXT[],
    "labId" TEXT,
    "status" "LabOrderStatus" NOT NULL DEFAULT 'awaiting_lab',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "orderedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "LabOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabResult" (
    "id" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "labId" TEXT NOT NULL,
    "reportId" TEXT NOT NULL,
    "observationKey" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "display" TEXT,
    "valueNumber" DOUBLE PRECISION,
    "valueText" TEXT,
    "unit" TEXT,
    "refLow" DOUBLE PRECISION,
    "refHigh" DOUBLE PRECISION,
    "refText" TEXT,
    "interpretation" TEXT,
    "abnormal" BOOLEAN NOT NULL DEFAULT false,
    "effectiveAt" TIMESTAMP(3),
    "issuedAt" TIMESTAMP(3),
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LabResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabReviewItem" (
    "id" UUID NOT NULL,
    "labId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "resolvedBy" UUID,
    "orderId" UUID,

    CONSTRAINT "LabReviewItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabPullCursor" (
    "labId" TEXT NOT NULL,
    "lastUpdated" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LabPullCursor_pkey" PRIMARY KEY ("labId")
);

-- CreateIndex
CREATE UNIQUE INDEX "IngestionToken_tokenHash_key" ON "IngestionToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "IngestionToken_nightscoutHash_key" ON "IngestionToken"("nightscoutHash");

-- CreateIndex
CREATE INDEX "IngestionToken_patientId_idx" ON "IngestionToken"("patientId");

-- CreateIndex
CREATE INDEX "Reading_patientId_kind_measuredAt_idx" ON "Reading"("patientId", "kind", "measuredAt");

-- CreateIndex
CREATE UNIQUE INDEX "Reading_patientId_deviceId_kind_measuredAt_key" ON "Reading"("patientId", "deviceId", "kind", "measuredAt");

-- CreateIndex
CREATE UNIQUE INDEX "MonitoringAlert_openKey_key" ON "MonitoringAlert"("openKey");

-- CreateIndex
CREATE INDEX "MonitoringAlert_doctorId_status_openedAt_idx" ON "MonitoringAlert"("doctorId", "status", "openedAt");

-- CreateIndex
CREATE INDEX "MonitoringAlert_patientId_openedAt_idx" ON "MonitoringAlert"("patientId", "openedAt");

-- CreateIndex
CREATE UNIQUE INDEX "LabOrder_number_key" ON "LabOrder"("number");

-- CreateIndex
CREATE INDEX "LabOrder_patientId_createdAt_idx" ON "LabOrder"("patientId", "createdAt");

-- CreateIndex
CREATE INDEX "LabOrder_labId_status_idx" ON "LabOrder"("labId", "status");

-- CreateIndex
CREATE INDEX "LabResult_orderId_idx" ON "LabResult"("orderId");

-- CreateIndex
CREATE UNIQUE INDEX "LabResult_labId_reportId_observationKey_key" ON "LabResult"("labId", "reportId", "observationKey");

-- CreateIndex
CREATE INDEX "LabReviewItem_resolvedAt_receivedAt_idx" ON "LabReviewItem"("resolvedAt", "receivedAt");

-- AddForeignKey
ALTER TABLE "IngestionToken" ADD CONSTRAINT "IngestionToken_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reading" ADD CONSTRAINT "Reading_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MonitoringPlan" ADD CONSTRAINT "MonitoringPlan_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MonitoringPlan" ADD CONSTRAINT "MonitoringPlan_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MonitoringAlert" ADD CONSTRAINT "MonitoringAlert_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabOrder" ADD CONSTRAINT "LabOrder_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabOrder" ADD CONSTRAINT "LabOrder_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabResult" ADD CONSTRAINT "LabResult_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "LabOrder"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
