-- AlterEnum
ALTER TYPE "StaffRole" ADD VALUE 'interpreter';

-- AlterTable
ALTER TABLE "StaffMember" ADD COLUMN     "interpreterId" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "StaffMember_interpreterId_key" ON "StaffMember"("interpreterId");

-- AddForeignKey
ALTER TABLE "StaffMember" ADD CONSTRAINT "StaffMember_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE SET NULL ON UPDATE CASCADE;
