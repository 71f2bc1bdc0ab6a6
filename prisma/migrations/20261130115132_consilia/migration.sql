-- CreateEnum
CREATE TYPE "ProtocolKind" AS ENUM ('consultation', 'consilium');

-- CreateEnum
CREATE TYPE "ConsiliumStatus" AS ENUM ('scheduled', 'open', 'signing', 'signed');

-- AlterEnum
ALTER TYPE "ClinicalDocumentKind" ADD VALUE 'consilium';

-- DropIndex
DROP INDEX "Protocol_consultationId_version_key";

-- AlterTable
ALTER TABLE "Protocol" ADD COLUMN     "kind" "ProtocolKind" NOT NULL DEFAULT 'consultation';

-- CreateTable
CREATE TABLE "VideoVisitGuest" (
    "visitId" UUID NOT NULL,
    "doctorId" UUID NOT NULL,

    CONSTRAINT "VideoVisitGuest_pkey" PRIMARY KEY ("visitId","doctorId")
);

-- CreateTable
CREATE TABLE "Consilium" (
    "id" UUID NOT NULL,
    "consultationId" UUID NOT NULL,
    "patientId" UUID NOT NULL,
    "organizerId" UUID NOT NULL,
    "question" TEXT NOT NULL,
    "patientJoins" BOOLEAN NOT NULL,
    "scheduledAt" TIMESTAMP(3) NOT NULL,
    "status" "ConsiliumStatus" NOT NULL DEFAULT 'scheduled',
    "visitId" UUID,
    "protocolId" UUID,
    "pdfFileId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Consilium_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsiliumParticipant" (
    "consiliumId" UUID NOT NULL,
    "doctorId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "signedAt" TIMESTAMP(3),

    CONSTRAINT "ConsiliumParticipant_pkey" PRIMARY KEY ("consiliumId","doctorId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Consilium_visitId_key" ON "Consilium"("visitId");

-- CreateIndex
CREATE UNIQUE INDEX "Consilium_protocolId_key" ON "Consilium"("protocolId");

-- CreateIndex
CREATE INDEX "Consilium_patientId_idx" ON "Consilium"("patientId");

-- CreateIndex
CREATE INDEX "ConsiliumParticipant_doctorId_idx" ON "ConsiliumParticipant"("doctorId");

-- CreateIndex
CREATE UNIQUE INDEX "Protocol_consultationId_kind_version_key" ON "Protocol"("consultationId", "kind", "version");

-- AddForeignKey
ALTER TABLE "VideoVisitGuest" ADD CONSTRAINT "VideoVisitGuest_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "VideoVisit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VideoVisitGuest" ADD CONSTRAINT "VideoVisitGuest_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consilium" ADD CONSTRAINT "Consilium_consultationId_fkey" FOREIGN KEY ("consultationId") REFERENCES "Consultation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consilium" ADD CONSTRAINT "Consilium_organizerId_fkey" FOREIGN KEY ("organizerId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consilium" ADD CONSTRAINT "Consilium_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "VideoVisit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consilium" ADD CONSTRAINT "Consilium_protocolId_fkey" FOREIGN KEY ("protocolId") REFERENCES "Protocol"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsiliumParticipant" ADD CONSTRAINT "ConsiliumParticipant_consiliumId_fkey" FOREIGN KEY ("consiliumId") REFERENCES "Consilium"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConsiliumParticipant" ADD CONSTRAINT "ConsiliumParticipant_doctorId_fkey" FOREIGN KEY ("doctorId") REFERENCES "Doctor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
