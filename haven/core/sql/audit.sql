-- Run by the schema owner after every migrate (haven.core.db_roles.prepare_database).
--
-- Who is acting is kept where the application's login cannot write it: in haven_private, a
-- schema the app role cannot even see. The application sets it once per request through
-- haven_actor_set, with an HMAC of (backend pid, backend start, sequence, actor) under a key only
-- the owner can read (derived from Haven's secret key and stored here by migrate). A token is
-- good for one database session and one use, so one read from pg_stat_activity or the logs
-- cannot be replayed on another connection.
CREATE SCHEMA IF NOT EXISTS haven_private;
REVOKE ALL ON SCHEMA haven_private FROM PUBLIC;

CREATE TABLE IF NOT EXISTS haven_private.actor_key (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    key bytea NOT NULL
);

-- One row per database session (backend); only the latest actor of each matters.
CREATE UNLOGGED TABLE IF NOT EXISTS haven_private.actor_context (
    backend_pid integer PRIMARY KEY,
    backend_start_us bigint NOT NULL,
    db_user name NOT NULL,
    client_addr inet,
    seq bigint NOT NULL,
    actor_id bigint,
    actor_label text NOT NULL,
    request_id text NOT NULL,
    set_at timestamptz NOT NULL,
    set_txid bigint NOT NULL
);

CREATE OR REPLACE FUNCTION haven_private.hmac_sha256(key bytea, msg bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k bytea := key;
    ipad bytea := decode(repeat('36', 64), 'hex');
    opad bytea := decode(repeat('5c', 64), 'hex');
BEGIN
    IF length(k) > 64 THEN k := sha256(k); END IF;
    k := k || decode(repeat('00', 64 - length(k)), 'hex');
    FOR i IN 0..63 LOOP
        ipad := set_byte(ipad, i, get_byte(k, i) # 54);
        opad := set_byte(opad, i, get_byte(k, i) # 92);
    END LOOP;
    RETURN sha256(opad || sha256(ipad || msg));
END
$$;

-- The microseconds since 1970 at which this session's backend started: with the pid, it names
-- the session (a pid is reused, a pid and a start time are not).
CREATE OR REPLACE FUNCTION haven_private.backend_start_us() RETURNS bigint
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT (extract(epoch FROM backend_start) * 1000000)::bigint
      FROM pg_stat_get_activity(pg_backend_pid())
$$;

DROP FUNCTION IF EXISTS public.haven_actor_set(bigint, text, text, bigint, text);
CREATE FUNCTION public.haven_actor_set(
    p_actor_id bigint, p_label text, p_request_id text, p_seq bigint, p_signature text
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k bytea;
    started bigint := haven_private.backend_start_us();
    last_seq bigint;
BEGIN
    SELECT a.key INTO k FROM haven_private.actor_key a;
    IF k IS NULL OR p_signature IS DISTINCT FROM encode(haven_private.hmac_sha256(k, convert_to(
        format('%s|%s|%s|%s|%s|%s', pg_backend_pid(), started, p_seq,
               coalesce(p_actor_id::text, ''), p_request_id, p_label), 'UTF8')), 'hex')
    THEN
        RAISE EXCEPTION 'the audit actor''s signature is not valid'
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Run "haven manage migrate" with the HAVEN_SECRET_KEY the service uses.';
    END IF;
    SELECT c.seq INTO last_seq FROM haven_private.actor_context c
     WHERE c.backend_pid = pg_backend_pid() AND c.backend_start_us = started;
    IF last_seq IS NOT NULL AND p_seq <= last_seq THEN
        RAISE EXCEPTION 'the audit actor token was already used'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO haven_private.actor_context AS c
        (backend_pid, backend_start_us, db_user, client_addr, seq, actor_id, actor_label,
         request_id, set_at, set_txid)
    VALUES
        (pg_backend_pid(), started, session_user, inet_client_addr(),
         p_seq, p_actor_id, left(p_label, 150), left(p_request_id, 64), clock_timestamp(),
         txid_current())
    ON CONFLICT (backend_pid) DO UPDATE SET
        backend_start_us = EXCLUDED.backend_start_us, db_user = EXCLUDED.db_user,
        client_addr = EXCLUDED.client_addr, seq = EXCLUDED.seq, actor_id = EXCLUDED.actor_id,
        actor_label = EXCLUDED.actor_label, request_id = EXCLUDED.request_id,
        set_at = EXCLUDED.set_at, set_txid = EXCLUDED.set_txid;
END
$$;
REVOKE ALL ON FUNCTION public.haven_actor_set(bigint, text, text, bigint, text) FROM PUBLIC;

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
    ctx_actor bigint;
    ctx_label text;
    ctx_request text;
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
    -- The actor this session last set through haven_actor_set, if any (a row left by an
    -- earlier session with the same pid has another start time and is ignored).
    SELECT c.actor_id, c.actor_label, c.request_id INTO ctx_actor, ctx_label, ctx_request
      FROM haven_private.actor_context c
     WHERE c.backend_pid = pg_backend_pid()
       AND c.backend_start_us = haven_private.backend_start_us();
    INSERT INTO core_auditchange
        (at, table_name, row_id, operation, old_values, new_values, changed_fields,
         person_id, actor_id, actor_label, request_id, txid, db_user, backend_pid, client_addr)
    VALUES
        (clock_timestamp(), TG_TABLE_NAME,
         coalesce(to_jsonb(NEW) ->> 'id', to_jsonb(OLD) ->> 'id', ''),
         TG_OP, old_j, new_j, changed, subject::bigint,
         ctx_actor, coalesce(ctx_label, ''), coalesce(ctx_request, ''),
         txid_current(), session_user, pg_backend_pid(), inet_client_addr());
    RETURN NULL;
END
$$;
