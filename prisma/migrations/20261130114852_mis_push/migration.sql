-- CreateEnum
CREATE TYPE "MisPushStatus" AS ENUM ('pending', 'sent', 'failed');

-- CreateTable
CREATE TABLE "MisPush" (
    "protocolId" UUID NOT NULL,
    "status" "MisPushStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "MisPush_pkey" PRIMARY KEY ("protocolId")
);

-- CreateIndex
CREATE INDEX "MisPush_status_updatedAt_idx" ON "MisPush"("status", "updatedAt");
