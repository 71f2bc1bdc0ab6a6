-- CreateEnum
CREATE TYPE "ProtocolStatus" AS ENUM ('draft', 'signed');

-- CreateEnum
CREATE TYPE "ClinicalDocumentKind" AS ENUM ('report', 'prescription', 'referral');

-- CreateTable
CREATE TABLE "Protocol" (
    "id" UUID NOT NULL,
    "consultationId" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "doctorId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "previousId" UUID,
    "status" "ProtocolStatus" NOT NULL DEFAULT 'draft',
    "primary" BOOLEAN NOT NULL,
    "content" JSONB NOT NULL,
    "signedAt" TIMESTAMP(3),
    "notifiedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Protocol_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InPersonVisit" (
    "id" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "visitedAt" TIMESTAMP(3) NOT NULL,
    "icd10Code" TEXT NOT NULL,
    "problem" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "externalId" TEXT,
    "recordedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InPersonVisit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClinicalDocument" (
    "id" UUID NOT NULL,
    "protocolId" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "kind" "ClinicalDocumentKind" NOT NULL,
    "fileId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClinicalDocument_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountLoginLink" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "patientId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountLoginLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccountSession" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "patientId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Protocol_previousId_key" ON "Protocol"("previousId");

-- CreateIndex
CREATE INDEX "Protocol_patientId_createdAt_idx" ON "Protocol"("patientId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Protocol_consultationId_version_key" ON "Protocol"("consultationId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "InPersonVisit_externalId_key" ON "InPersonVisit"("externalId");

-- CreateIndex
CREATE INDEX "InPersonVisit_patientId_visitedAt_idx" ON "InPersonVisit"("patientId", "visitedAt");

-- CreateIndex
CREATE INDEX "ClinicalDocument_patientId_createdAt_idx" ON "ClinicalDocument"("patientId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ClinicalDocument_protocolId_kind_key" ON "ClinicalDocument"("protocolId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "AccountLoginLink_tokenHash_key" ON "AccountLoginLink"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "AccountSession_tokenHash_key" ON "AccountSession"("tokenHash");
