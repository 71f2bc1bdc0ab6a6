-- CreateTable
CREATE TABLE "InterpreterShift" (
    "id" UUID NOT NULL,
    "interpreterId" UUID NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InterpreterShift_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "InterpreterShift_startsAt_endsAt_idx" ON "InterpreterShift"("startsAt", "endsAt");

-- AddForeignKey
ALTER TABLE "InterpreterShift" ADD CONSTRAINT "InterpreterShift_interpreterId_fkey" FOREIGN KEY ("interpreterId") REFERENCES "Interpreter"("id") ON DELETE CASCADE ON UPDATE CASCADE;
