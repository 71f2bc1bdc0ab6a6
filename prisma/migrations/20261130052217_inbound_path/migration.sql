-- CreateEnum
CREATE TYPE "InboundStatus" AS ENUM ('pending', 'processed', 'dead');

-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "chatKey" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "claimedUntil" TIMESTAMP(3),
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "processedAt" TIMESTAMP(3),
ADD COLUMN     "seq" BIGSERIAL NOT NULL,
ADD COLUMN     "status" "InboundStatus" NOT NULL DEFAULT 'pending';

-- CreateIndex
CREATE INDEX "InboundEvent_chatKey_status_seq_idx" ON "InboundEvent"("chatKey", "status", "seq");

-- CreateIndex
CREATE INDEX "InboundEvent_source_status_receivedAt_idx" ON "InboundEvent"("source", "status", "receivedAt");

-- Rows the VK worker had not handled yet: their chat, so the inbound worker takes them in order.
UPDATE "InboundEvent" SET "chatKey" = 'vk:' || COALESCE("payload"->'object'->'message'->>'peer_id', 'unknown') WHERE "chatKey" = '';
