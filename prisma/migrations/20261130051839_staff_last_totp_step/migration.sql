-- AlterTable
ALTER TABLE "StaffMember" ADD COLUMN     "lastTotpStep" INTEGER NOT NULL DEFAULT 0;
