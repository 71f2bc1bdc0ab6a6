-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "source" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "InboundEvent_source_receivedAt_idx" ON "InboundEvent"("source", "receivedAt");
