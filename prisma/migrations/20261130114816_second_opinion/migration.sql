-- CreateEnum
CREATE TYPE "TranslationStatus" AS ENUM ('requested', 'translated');

-- AlterEnum
ALTER TYPE "ClinicalDocumentKind" ADD VALUE 'second_opinion';

-- CreateTable
CREATE TABLE "TranslationRequest" (
    "id" UUID NOT NULL,
    "consultationId" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "fileId" UUID NOT NULL,
    "status" "TranslationStatus" NOT NULL DEFAULT 'requested',
    "interpreterId" UUID,
    "translationFileId" UUID,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "translatedAt" TIMESTAMP(3),

    CONSTRAINT "TranslationRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TranslationRequest_status_requestedAt_idx" ON "TranslationRequest"("status", "requestedAt");

-- CreateIndex
CREATE UNIQUE INDEX "TranslationRequest_consultationId_fileId_key" ON "TranslationRequest"("consultationId", "fileId");
