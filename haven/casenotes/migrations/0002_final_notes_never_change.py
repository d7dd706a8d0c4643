from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION casenotes_final_note_unchanged() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'final' THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'A final case note cannot be deleted' USING ERRCODE = 'check_violation';
        END IF;
        -- Only the countersignature may be added to a final note.
        IF (NEW.status, NEW.note_type, NEW.occurred_on, NEW.present, NEW.summary, NEW.narrative,
            NEW.significant, NEW.written_to_child, NEW.author_id, NEW.finalised_at)
           IS DISTINCT FROM
           (OLD.status, OLD.note_type, OLD.occurred_on, OLD.present, OLD.summary, OLD.narrative,
            OLD.significant, OLD.written_to_child, OLD.author_id, OLD.finalised_at) THEN
            RAISE EXCEPTION 'A final case note cannot be changed: add an addendum'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER casenote_final_unchanged
    BEFORE UPDATE OR DELETE ON casenotes_casenote
    FOR EACH ROW EXECUTE FUNCTION casenotes_final_note_unchanged();

CREATE OR REPLACE FUNCTION casenotes_final_part_unchanged() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM casenotes_casenote WHERE id = OLD.note_id AND status = 'final') THEN
        -- A merge may move a part to the record kept; nothing else changes.
        IF TG_OP = 'DELETE' OR (NEW.note_id, NEW.seen, NEW.seen_alone, NEW.child_said,
            NEW.own_text) IS DISTINCT FROM (OLD.note_id, OLD.seen, OLD.seen_alone,
            OLD.child_said, OLD.own_text) THEN
            RAISE EXCEPTION 'A final case note cannot be changed: add an addendum'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER casenotechild_final_unchanged
    BEFORE UPDATE OR DELETE ON casenotes_casenotechild
    FOR EACH ROW EXECUTE FUNCTION casenotes_final_part_unchanged();

CREATE OR REPLACE FUNCTION casenotes_addendum_unchanged() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'An addendum cannot be changed or deleted' USING ERRCODE = 'check_violation';
END
$$;
CREATE OR REPLACE TRIGGER addendum_unchanged
    BEFORE UPDATE OR DELETE ON casenotes_addendum
    FOR EACH ROW EXECUTE FUNCTION casenotes_addendum_unchanged();
"""

REVERSE = """
DROP TRIGGER IF EXISTS addendum_unchanged ON casenotes_addendum;
DROP FUNCTION IF EXISTS casenotes_addendum_unchanged();
DROP TRIGGER IF EXISTS casenotechild_final_unchanged ON casenotes_casenotechild;
DROP FUNCTION IF EXISTS casenotes_final_part_unchanged();
DROP TRIGGER IF EXISTS casenote_final_unchanged ON casenotes_casenote;
DROP FUNCTION IF EXISTS casenotes_final_note_unchanged();
"""


class Migration(migrations.Migration):
    """A final note is never edited, only added to: the database refuses any other change."""

    dependencies = [("casenotes", "0001_case_notes")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
