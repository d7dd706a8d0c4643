-- Every insert, update and delete in an audited table becomes one core_auditchange row.
-- Arguments: the column naming the person the row is about ('' if none), the columns whose
-- changes are not worth a row on their own (comma-separated), the columns to redact.
CREATE OR REPLACE FUNCTION haven_audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    old_j jsonb;
    new_j jsonb;
    changed text[];
    ignored text[] := string_to_array(nullif(TG_ARGV[1], ''), ',');
    redacted text[] := string_to_array(nullif(TG_ARGV[2], ''), ',');
    subject text;
    k text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN old_j := to_jsonb(OLD); END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN new_j := to_jsonb(NEW); END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.key ORDER BY n.key) INTO changed
          FROM jsonb_each(new_j) n
         WHERE n.value IS DISTINCT FROM old_j -> n.key;
        IF changed IS NULL OR changed <@ coalesce(ignored, '{}'::text[]) THEN
            RETURN NULL;
        END IF;
        -- Keep only what changed, so the trail reads as "from X to Y".
        SELECT jsonb_object_agg(key, value) INTO old_j FROM jsonb_each(old_j) WHERE key = ANY(changed);
        SELECT jsonb_object_agg(key, value) INTO new_j FROM jsonb_each(new_j) WHERE key = ANY(changed);
    END IF;
    IF redacted IS NOT NULL THEN
        FOREACH k IN ARRAY redacted LOOP
            IF old_j ? k THEN old_j := jsonb_set(old_j, ARRAY[k], '"(redacted)"'); END IF;
            IF new_j ? k THEN new_j := jsonb_set(new_j, ARRAY[k], '"(redacted)"'); END IF;
        END LOOP;
    END IF;
    IF TG_ARGV[0] <> '' THEN
        subject := coalesce(to_jsonb(NEW) ->> TG_ARGV[0], to_jsonb(OLD) ->> TG_ARGV[0]);
    END IF;
    INSERT INTO core_auditchange
        (at, table_name, row_id, operation, old_values, new_values, changed_fields,
         person_id, actor_id, actor_label, request_id, txid)
    VALUES
        (clock_timestamp(), TG_TABLE_NAME,
         coalesce(to_jsonb(NEW) ->> 'id', to_jsonb(OLD) ->> 'id', ''),
         TG_OP, old_j, new_j, changed, subject::bigint,
         nullif(current_setting('haven.actor_id', true), '')::bigint,
         coalesce(current_setting('haven.actor_label', true), ''),
         coalesce(current_setting('haven.request_id', true), ''),
         txid_current());
    RETURN NULL;
END
$$;
