-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prevHash" TEXT,
ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");

-- Append-only audit (152-FZ: the trail of access to health data must not be editable), issue 15 point 7.
-- Each row carries the hash of the previous row; the hash is computed here, in one place, under a transaction-level
-- advisory lock so concurrent inserts chain one after another (the lock is held to commit, and in READ COMMITTED
-- each statement of this function sees the rows committed before it got the lock).
CREATE FUNCTION audit_event_hash(prev text, e "AuditEvent") RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\x1f',
    coalesce(prev, ''), e."id"::text, e."actorType", coalesce(e."actorId", ''), e."action", e."entityType", e."entityId",
    coalesce(e."meta"::text, ''), to_char(e."at", 'YYYY-MM-DD"T"HH24:MI:SS.US'), e."seq"::text
  ), 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('telecons.audit_chain'));
  -- The column default ran before the lock, so numbering again under it keeps seq order = chain order.
  NEW."seq" := nextval(pg_get_serial_sequence('"AuditEvent"', 'seq'));
  SELECT "hash" INTO NEW."prevHash" FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1;
  NEW."hash" := audit_event_hash(NEW."prevHash", NEW);
  RETURN NEW;
END
$$;

-- Rows written before this migration join the chain in their seq order.
DO $$
DECLARE r "AuditEvent"; prev text; h text;
BEGIN
  FOR r IN SELECT * FROM "AuditEvent" ORDER BY "seq" LOOP
    h := audit_event_hash(prev, r);
    UPDATE "AuditEvent" SET "prevHash" = prev, "hash" = h WHERE "id" = r."id";
    prev := h;
  END LOOP;
END
$$;

CREATE TRIGGER audit_event_chain BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- No UPDATE ever; DELETE only on the retention path (core/audit/audit-retention.ts sets the setting in its own
-- transaction), and there only of the oldest rows, so the remaining chain stays whole from its first row.
CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(current_setting('telecons.audit_retention', true), '') = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'AuditEvent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON "AuditEvent" FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();

CREATE FUNCTION audit_event_retention_prefix() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "AuditEvent" WHERE "seq" < (SELECT max("seq") FROM gone)) THEN
    RAISE EXCEPTION 'AuditEvent retention may remove only the oldest rows' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER audit_event_retention_prefix AFTER DELETE ON "AuditEvent" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_retention_prefix();
