from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION people_personname_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_name := lower(unaccent(btrim(
        coalesce(NEW.given_names, '') || ' ' || coalesce(NEW.family_name, ''))));
    NEW.given_code := coalesce(
        dmetaphone(split_part(lower(unaccent(btrim(coalesce(NEW.given_names, '')))), ' ', 1)), '');
    NEW.family_code := coalesce(dmetaphone(lower(unaccent(coalesce(NEW.family_name, '')))), '');
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER personname_search
    BEFORE INSERT OR UPDATE ON people_personname
    FOR EACH ROW EXECUTE FUNCTION people_personname_search();
ALTER TABLE people_personname ENABLE ALWAYS TRIGGER personname_search;

CREATE OR REPLACE FUNCTION people_person_primary_name() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO people_personname (person_id, name_type, given_names, family_name,
                                   search_name, given_code, family_code)
    VALUES (NEW.id, 'primary', NEW.given_names, NEW.family_name, '', '', '')
    ON CONFLICT (person_id) WHERE name_type = 'primary'
    DO UPDATE SET given_names = EXCLUDED.given_names, family_name = EXCLUDED.family_name;
    RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER person_primary_name
    AFTER INSERT OR UPDATE OF given_names, family_name ON people_person
    FOR EACH ROW EXECUTE FUNCTION people_person_primary_name();
ALTER TABLE people_person ENABLE ALWAYS TRIGGER person_primary_name;
"""

REVERSE = """
DROP TRIGGER IF EXISTS person_primary_name ON people_person;
DROP FUNCTION IF EXISTS people_person_primary_name();
DROP TRIGGER IF EXISTS personname_search ON people_personname;
DROP FUNCTION IF EXISTS people_personname_search();
"""


class Migration(migrations.Migration):
    """Keep every person findable: the primary name row and the search columns are kept by
    triggers that fire even during bulk loads (ENABLE ALWAYS)."""

    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
