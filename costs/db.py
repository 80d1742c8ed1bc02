"""Database-level freeze of closed periods (PostgreSQL): triggers that refuse changes the models also refuse.

Installed by migration 0001 on PostgreSQL only (SQLite relies on the model layer and the services).
"""

FREEZE_SQL = r"""
CREATE OR REPLACE FUNCTION costs_refuse_closed_child() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
      SELECT 1 FROM costs_costperiod WHERE id = OLD.period_id AND status = 'closed') THEN
    RAISE EXCEPTION 'cost period % is closed', OLD.period_id USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
      SELECT 1 FROM costs_costperiod WHERE id = NEW.period_id AND status = 'closed') THEN
    RAISE EXCEPTION 'cost period % is closed', NEW.period_id USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION costs_refuse_closed_period() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'closed' THEN
    RAISE EXCEPTION 'cost period % is closed', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION costs_refuse_statement_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'statement % cannot be deleted', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.number IS DISTINCT FROM OLD.number OR NEW.amount IS DISTINCT FROM OLD.amount
     OR NEW.practice_id IS DISTINCT FROM OLD.practice_id OR NEW.period_id IS DISTINCT FROM OLD.period_id
     OR NEW.space_id IS DISTINCT FROM OLD.space_id OR NEW.reference IS DISTINCT FROM OLD.reference
     OR NEW.lines::text IS DISTINCT FROM OLD.lines::text THEN
    RAISE EXCEPTION 'statement % is frozen', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER costs_item_frozen BEFORE INSERT OR UPDATE OR DELETE ON costs_costitem
  FOR EACH ROW EXECUTE FUNCTION costs_refuse_closed_child();
CREATE TRIGGER costs_headcount_frozen BEFORE INSERT OR UPDATE OR DELETE ON costs_headcount
  FOR EACH ROW EXECUTE FUNCTION costs_refuse_closed_child();
CREATE TRIGGER costs_period_frozen BEFORE UPDATE OR DELETE ON costs_costperiod
  FOR EACH ROW EXECUTE FUNCTION costs_refuse_closed_period();
CREATE TRIGGER costs_statement_frozen BEFORE UPDATE OR DELETE ON costs_statement
  FOR EACH ROW EXECUTE FUNCTION costs_refuse_statement_change();
"""

UNFREEZE_SQL = r"""
DROP TRIGGER IF EXISTS costs_item_frozen ON costs_costitem;
DROP TRIGGER IF EXISTS costs_headcount_frozen ON costs_headcount;
DROP TRIGGER IF EXISTS costs_period_frozen ON costs_costperiod;
DROP TRIGGER IF EXISTS costs_statement_frozen ON costs_statement;
DROP FUNCTION IF EXISTS costs_refuse_closed_child();
DROP FUNCTION IF EXISTS costs_refuse_closed_period();
DROP FUNCTION IF EXISTS costs_refuse_statement_change();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FREEZE_SQL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNFREEZE_SQL, params=None)
