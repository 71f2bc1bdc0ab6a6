-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "claimedUntil" TIMESTAMP(3);
