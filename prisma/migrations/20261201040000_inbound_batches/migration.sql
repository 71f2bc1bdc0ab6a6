-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "requestId" TEXT;

-- CreateIndex
CREATE INDEX "InboundEvent_source_status_seq_idx" ON "InboundEvent"("source", "status", "seq");
