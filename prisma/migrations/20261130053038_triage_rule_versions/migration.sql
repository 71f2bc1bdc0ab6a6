-- AlterTable
ALTER TABLE "Intake" ADD COLUMN     "redFlagRulesVersion" TEXT;

-- AlterTable
ALTER TABLE "RedFlagRule" ADD COLUMN     "condition" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "discriminators" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "disposition" TEXT NOT NULL DEFAULT 'emergency',
ADD COLUMN     "guideline" TEXT NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "RedFlagRuleVersion" (
    "version" TEXT NOT NULL,
    "rules" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RedFlagRuleVersion_pkey" PRIMARY KEY ("version")
);

-- A list no admin ever edited is the old shipped one, which missed emergencies (issue 14): emptied so the next
-- read seeds the new shipped rules. A list an admin replaced stays as the clinic made it.
DELETE FROM "RedFlagRule" WHERE NOT EXISTS (SELECT 1 FROM "AuditEvent" WHERE "action" = 'red_flags.replace');
