"""Find a person from one search box, and spot likely duplicates before a record is created.

The box takes whatever the worker has: a name (misspelt or not, a known-as or previous name
too), a date of birth, an NHS number, a UPN, a postcode, in any order. Identifiers match
exactly; names match by trigram similarity on every name a person has, or by sounding alike
(double metaphone), so "Jon Smyth" finds John Smith and "Katherine" finds Catherine.

Everything happens in one SQL statement so that the visibility rule (``searchable_q``) is
applied before the limit, and so that it is fast over a million people: the name candidates come
from the trigram GIN index and the metaphone btree, capped at the best ``_NAME_CANDIDATES`` name
rows, and only those are joined to the person, scored and ranked.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from haven.people.access import searchable_q
from haven.people.models import NameType, Person
from haven.people.validators import (
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
    postcode_is_valid,
)

# The best name rows kept from the indexes before they are joined to people and ranked. Far
# more than a page of results, so that the few restricted or merged records filtered out after
# it never leave a page short.
_NAME_CANDIDATES = 200
# How alike each of the first and last words must be to part of a name for the trigram index
# to offer it (pg_trgm's ``<%``). 0.4 finds "adrew singh" (Andrew) at ~25 ms typical at a
# million names; 0.6 was a little faster but missed one in five misspellings.
_NAME_WORD_SIMILARITY = 0.4
# How alike a single word must be to a whole word of a name (pg_trgm's ``<<%``); names that
# sound alike are found by metaphone, so this can be strict enough to stay quick.
_WORD_SIMILARITY = 0.6
# A name that starts with a single word typed ("Jo" for John) ranks below the word whole and
# above a name merely like it.
_PREFIX_SCORE = "0.8"
# Within one date of birth or one postcode there are few people, so a looser name will do.
_SCOPED_SIMILARITY = 0.2
# For a likely duplicate, the whole name must be this alike (or sound alike).
_DUPLICATE_SIMILARITY = 0.45

_IDENTIFIER_SCORE = 100.0
_DOB_SCORE = 2.0
_POSTCODE_SCORE = 1.0
_PAST_POSTCODE_SCORE = 0.6
_OUTWARD_SCORE = 0.4

_NAME_TYPE_LABELS = {
    NameType.KNOWN_AS: "known as",
    NameType.PREVIOUS: "previous name",
    NameType.ALIAS: "alias",
}


# What an exact identifier match is called on the page: it is almost certainly the same person.
IDENTIFIER_MATCH_LABELS = {"nhs_number": "Same NHS number", "upn": "Same UPN"}


@dataclass
class SearchHit:
    person: Person
    score: float
    matched_on: list[str]

    @property
    def identifier_matches(self) -> list[str]:
        """The exact identifier matches ("Same NHS number"), labelled so no one can miss them."""
        return [label for key, label in IDENTIFIER_MATCH_LABELS.items() if key in self.matched_on]


# -- reading the search box -----------------------------------------------------------------

_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_UK_DATE = re.compile(r"(?<!\d)(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4})(?!\d)")
_NHS = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_UPN = re.compile(r"(?<![\w])[A-Za-z]\d{11}[0-9A-Za-z](?![\w])")
_FULL_POSTCODE = re.compile(r"(?<![\w])([A-Za-z]{1,2}\d[A-Za-z\d]?) ?(\d[A-Za-z]{2})(?![\w])")
_OUTWARD = re.compile(
    r"^(?:[A-PR-UWYZa-pr-uwyz]\d[A-Ha-hJKPSTUWjkpstuw\d]?|"
    r"[A-PR-UWYZa-pr-uwyz][A-HK-Ya-hk-y]\d[ABEHMNPRV-Yabehmnprv-y\d]?)$"
)
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*$")
# Letters NFKD leaves whole but PostgreSQL's unaccent folds.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ħ": "h",
        "\u0131": "i",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "þ": "th",
        "\u2019": "'",
    }
)
_MAX_QUERY = 200


@dataclass
class SearchTerms:
    """What the search box was understood to ask for."""

    date_of_birth: datetime.date | None = None
    nhs_number: str = ""
    upn: str = ""
    postcode: str = ""
    outward_code: str = ""
    name_words: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.date_of_birth
            or self.nhs_number
            or self.upn
            or self.postcode
            or self.outward_code
            or self.name_words
        )


def fold_name(value: str) -> str:
    """A name as the search columns hold it: lower case, accents removed."""
    decomposed = unicodedata.normalize("NFKD", value.lower().translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_query(query: str) -> SearchTerms:
    terms = SearchTerms()
    text = " ".join((query or "")[:_MAX_QUERY].split())

    def take(pattern: re.Pattern[str], handle: Any) -> None:
        nonlocal text
        for match in list(pattern.finditer(text)):
            handle(match)
        text = pattern.sub(" ", text)

    def iso(match: re.Match[str]) -> None:
        terms.date_of_birth = terms.date_of_birth or _date(*match.group(1, 2, 3))

    def uk(match: re.Match[str]) -> None:
        terms.date_of_birth = terms.date_of_birth or _date(*match.group(4, 3, 1))

    def nhs(match: re.Match[str]) -> None:
        terms.nhs_number = terms.nhs_number or normalise_nhs_number(match.group(0))

    def upn(match: re.Match[str]) -> None:
        terms.upn = terms.upn or normalise_upn(match.group(0))

    def postcode(match: re.Match[str]) -> None:
        candidate = normalise_postcode(match.group(1) + match.group(2))
        if postcode_is_valid(candidate):
            terms.postcode = terms.postcode or candidate

    take(_ISO_DATE, iso)
    take(_UK_DATE, uk)
    take(_NHS, nhs)
    take(_UPN, upn)
    take(_FULL_POSTCODE, postcode)
    for token in re.split(r"[\s,;]+", text):
        token = token.strip('.()"')
        if not token:
            continue
        if _NAME_WORD.match(token):
            word = fold_name(token)
            # A lone initial says too little to search on.
            if len(word.replace("'", "").replace("-", "")) > 1:
                terms.name_words.append(word)
        elif _OUTWARD.match(token) and any(c.isdigit() for c in token):
            # Letters then a digit cannot be a name, so "SO23" is an area.
            terms.outward_code = terms.outward_code or token.upper()
    return terms


# -- building the statement -----------------------------------------------------------------


@dataclass
class _Statement:
    sources: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


def _name_score_sql(words: list[str], *, similarity: str = "") -> str:
    """How well the name row ``n`` matches, about 0 to 1.2 (an exact name scores highest).

    ``similarity`` replaces the computed similarity of a single word with a fixed one (1.0
    for rows known to hold the word whole).
    """
    if len(words) == 1:
        similarity = similarity or "strict_word_similarity(%(name)s, n.search_name)"
        score = (
            f"{similarity}"
            " + CASE WHEN n.family_code = dmetaphone(%(w_first)s) THEN 0.2"
            "        WHEN n.given_code = dmetaphone(%(w_first)s) THEN 0.15 ELSE 0 END"
        )
    else:
        score = (
            "similarity(n.search_name, %(name)s) * 0.8"
            " + word_similarity(%(name)s, n.search_name) * 0.2"
            " + CASE WHEN (n.family_code = dmetaphone(%(w_last)s)"
            "              AND n.given_code = dmetaphone(%(w_first)s))"
            "          OR (n.family_code = dmetaphone(%(w_first)s)"
            "              AND n.given_code = dmetaphone(%(w_last)s)) THEN 0.2 ELSE 0 END"
        )
    # Another name (known as, previous) counts a little less than the name on the record.
    return f"(({score}) * CASE WHEN n.name_type = 'primary' THEN 1 ELSE 0.95 END)"


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _indexed_name_match_sql(words: list[str]) -> str:
    """Name rows the indexes can find: alike by trigrams, or sounding alike."""
    codes = (
        "(n.family_code = dmetaphone(%(w_last)s) AND n.given_code = dmetaphone(%(w_first)s))"
        " OR (n.family_code = dmetaphone(%(w_first)s) AND n.given_code = dmetaphone(%(w_last)s))"
    )
    first, last = _trigrams(words[0]), _trigrams(words[-1])
    if len(first & last) * 2 >= len(first | last):
        # "Harry Harris": the two words find the same tens of thousands of rows, so the
        # trigram intersection would not narrow anything; sounding alike is enough here.
        return f"({codes})"
    # Both the first and the last word must be in the name (in any order): the GIN index
    # intersects the two inside one scan, so "oliver smith" reads the few hundred rows that
    # have both, not the tens of thousands of Olivers and Smiths.
    return f"((%(w_first)s <%% n.search_name AND %(w_last)s <%% n.search_name) OR {codes})"


def _loose_name_match_sql(words: list[str], *, strict: bool = False) -> str:
    """Name rows that might be the person, among the few people of one birthday or postcode.

    ``strict`` (for duplicates) wants the whole name alike, or both names sounding alike
    either way round, so that a brother at the same address is not taken for the child.
    """
    if strict:
        first, last = "%(w_first)s", "%(w_last)s"
        return (
            f"(similarity(n.search_name, %(name)s) >= {_DUPLICATE_SIMILARITY}"
            f" OR (n.family_code = dmetaphone({last}) AND n.given_code = dmetaphone({first}))"
            f" OR (n.family_code = dmetaphone({first}) AND n.given_code = dmetaphone({last})))"
        )
    codes = " OR ".join(
        f"n.family_code = dmetaphone(%(w{i})s) OR n.given_code = dmetaphone(%(w{i})s)"
        for i in range(len(words))
    )
    return (
        f"(similarity(n.search_name, %(name)s) >= {_SCOPED_SIMILARITY}"
        f" OR word_similarity(%(name)s, n.search_name) >= 0.5 OR {codes})"
    )


def _name_params(words: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {
        "name": " ".join(words),
        "w_first": words[0],
        "w_last": words[-1],
        # The word whole: letters, apostrophes and hyphens only, so nothing needs escaping
        # but the hyphen, which is literal outside brackets.
        "word_re": rf"\m{words[0]}\M",
    }
    params.update({f"w{i}": w for i, w in enumerate(words)})
    # A name word starting with the first word typed (letters, apostrophes and hyphens only,
    # so nothing needs escaping for LIKE).
    params["prefix_first"] = f"{words[0]}%"
    params["prefix_later"] = f"% {words[0]}%"
    return params


def _single_word_sql(words: list[str]) -> str:
    """One word: the names holding it whole first, and only if there are too few of those to
    fill the candidates, the names like it.

    "Smith" alone matches ~1% of people; scoring every one by similarity would cost more than
    the rest of the search. The whole-word rows all score alike, so they need no similarity;
    the Limit above the Append stops before the fuzzy branch runs when they are enough.
    """
    exact = _name_score_sql(words, similarity="1.0")
    prefix = _name_score_sql(words, similarity=_PREFIX_SCORE)
    fuzzy = _name_score_sql(words)
    sounds = _name_score_sql(words, similarity="0.5")
    return (
        f"(SELECT * FROM ("
        f"(SELECT n.person_id, n.id, {exact} AS s FROM people_personname n"
        f" WHERE n.search_name ~ %(word_re)s"
        f" ORDER BY s DESC, n.family_name, n.given_names LIMIT {_NAME_CANDIDATES})"
        f" UNION ALL "
        # A name that starts with what was typed ("Jo": John, Joanne, Jones), so two letters
        # find someone. Each LIKE starts at a word's beginning, so the trigram index can use
        # the padded trigrams of the word's start ("  j", " jo"): an index scan, not a read of
        # every name.
        f"(SELECT n.person_id, n.id, {prefix} AS s FROM people_personname n"
        f" WHERE (n.search_name LIKE %(prefix_first)s OR n.search_name LIKE %(prefix_later)s)"
        f" AND n.search_name !~ %(word_re)s"
        f" ORDER BY s DESC, n.family_name, n.given_names LIMIT {_NAME_CANDIDATES})"
        f" UNION ALL "
        f"(SELECT n.person_id, n.id, {fuzzy} AS s FROM people_personname n"
        f" WHERE %(name)s <<%% n.search_name AND n.search_name !~ %(word_re)s"
        f" ORDER BY s DESC, n.family_name, n.given_names LIMIT {_NAME_CANDIDATES})"
        f" UNION ALL "
        # Sounding alike can match thousands ("Kathrine": every Catherine and Kathryn), so
        # these are ranked by a fixed score rather than by computing each one's similarity.
        f"(SELECT n.person_id, n.id, {sounds} AS s FROM people_personname n"
        f" WHERE (n.family_code = dmetaphone(%(w_first)s)"
        f" OR n.given_code = dmetaphone(%(w_first)s)) AND n.search_name !~ %(word_re)s"
        f" ORDER BY s DESC, n.family_name, n.given_names LIMIT {_NAME_CANDIDATES})"
        f") AS tiers LIMIT {_NAME_CANDIDATES})"
    )


def _postcode_people_sql(terms: SearchTerms) -> str:
    if terms.postcode:
        return "SELECT a.person_id FROM people_address a WHERE a.postcode = %(postcode)s"
    # Every inward code starts with a digit, so the area is a range of the postcode index.
    return (
        "SELECT a.person_id FROM people_address a"
        " WHERE a.postcode >= %(outward_lo)s AND a.postcode < %(outward_hi)s"
        " AND a.postcode LIKE %(outward_like)s"
    )


def _statement(
    terms: SearchTerms, *, scoped_names_only: bool = False, strict: bool = False
) -> _Statement:
    """The candidate rows (person_id, name_id, name_score) the terms call for."""
    st = _Statement()
    p = st.params
    if terms.nhs_number:
        p["nhs"] = terms.nhs_number
        st.sources.append(
            "SELECT id, NULL::bigint, NULL::float8 FROM people_person"
            " WHERE nhs_number = %(nhs)s AND nhs_number <> ''"
        )
    if terms.upn:
        p["upn"] = terms.upn
        st.sources.append(
            "SELECT id, NULL::bigint, NULL::float8 FROM people_person"
            " WHERE upn = %(upn)s AND upn <> ''"
        )
    if terms.date_of_birth:
        p["dob"] = terms.date_of_birth
    if terms.postcode:
        p["postcode"] = terms.postcode
    if terms.outward_code:
        p["outward_lo"] = f"{terms.outward_code} "
        p["outward_hi"] = f"{terms.outward_code}!"
        p["outward_like"] = f"{terms.outward_code} %"
    place = bool(terms.postcode or terms.outward_code)
    words = terms.name_words
    if words:
        p.update(_name_params(words))
        score = _name_score_sql(words)
        if terms.date_of_birth:
            # The date of birth is the strong filter; within it, the name can be way off.
            st.sources.append(
                f"SELECT n.person_id, n.id, {score} FROM people_personname n"
                " WHERE n.person_id IN"
                " (SELECT id FROM people_person WHERE date_of_birth = %(dob)s)"
                f" AND {_loose_name_match_sql(words, strict=strict)}"
            )
        else:
            if place:
                st.sources.append(
                    f"SELECT n.person_id, n.id, {score} FROM people_personname n"
                    f" WHERE n.person_id IN ({_postcode_people_sql(terms)})"
                    f" AND {_loose_name_match_sql(words, strict=strict)}"
                )
            if not scoped_names_only and len(words) == 1:
                st.sources.append(_single_word_sql(words))
            elif not scoped_names_only:
                st.sources.append(
                    f"(SELECT n.person_id, n.id, {score} AS s FROM people_personname n"
                    f" WHERE {_indexed_name_match_sql(words)}"
                    f" ORDER BY s DESC, n.family_name, n.given_names"
                    f" LIMIT {_NAME_CANDIDATES})"
                )
    elif terms.date_of_birth and place:
        st.sources.append(
            "SELECT id, NULL::bigint, NULL::float8 FROM people_person"
            f" WHERE date_of_birth = %(dob)s AND id IN ({_postcode_people_sql(terms)})"
        )
    elif terms.date_of_birth:
        st.sources.append(
            "SELECT id, NULL::bigint, NULL::float8 FROM people_person WHERE date_of_birth = %(dob)s"
        )
    elif place:
        st.sources.append(
            f"SELECT DISTINCT person_id, NULL::bigint, NULL::float8"
            f" FROM ({_postcode_people_sql(terms)}) pc"
        )
    return st


def _visibility_sql(user: Any) -> tuple[str, list[Any]]:
    """``searchable_q(user)`` as SQL on the table ``people_person``, so the rule has one home."""
    query = Person.objects.filter(searchable_q(user)).query
    compiler = query.get_compiler(connection=connection)
    sql, params = query.where.as_sql(compiler, connection)
    return sql, list(params)


def _final_sql(
    st: _Statement, terms: SearchTerms, *, user: Any, limit: int, exclude_id: int | None = None
) -> tuple[str, Any]:
    """Join the best name row of each candidate to the person, keep what the user may see,
    score and rank."""
    visible, visible_params = _visibility_sql(user)
    p = dict(st.params)
    # The visibility SQL uses %s placeholders; name them so everything is one dict.
    for i, value in enumerate(visible_params):
        p[f"v{i}"] = value
    visible = visible.replace("%%", "\x00")
    for i in range(len(visible_params)):
        visible = visible.replace("%s", f"%(v{i})s", 1)
    visible = visible.replace("\x00", "%%")
    p["limit"] = limit
    if exclude_id is not None:
        p["exclude_id"] = exclude_id
        visible = f"({visible}) AND people_person.id <> %(exclude_id)s"

    id_hit = []
    if terms.nhs_number:
        id_hit.append("people_person.nhs_number = %(nhs)s")
    if terms.upn:
        id_hit.append("people_person.upn = %(upn)s")
    nhs_sql = "people_person.nhs_number = %(nhs)s" if terms.nhs_number else "false"
    upn_sql = "people_person.upn = %(upn)s" if terms.upn else "false"
    dob_sql = "people_person.date_of_birth = %(dob)s" if terms.date_of_birth else "false"
    place = ""
    place_score = "0"
    if terms.postcode:
        place = (
            "LEFT JOIN LATERAL (SELECT bool_or(a.end_date IS NULL) AS current"
            " FROM people_address a WHERE a.person_id = people_person.id"
            " AND a.postcode = %(postcode)s) pc ON true"
        )
        place_score = (
            f"CASE WHEN pc.current THEN {_POSTCODE_SCORE}"
            f" WHEN pc.current IS NOT NULL THEN {_PAST_POSTCODE_SCORE} ELSE 0 END"
        )
    elif terms.outward_code:
        place = (
            "LEFT JOIN LATERAL (SELECT bool_or(a.end_date IS NULL) AS current"
            " FROM people_address a WHERE a.person_id = people_person.id"
            " AND a.postcode LIKE %(outward_like)s) pc ON true"
        )
        place_score = f"CASE WHEN pc.current IS NOT NULL THEN {_OUTWARD_SCORE} ELSE 0 END"
    pc_current = "pc.current" if place else "NULL::boolean"
    union = "\nUNION ALL\n".join(st.sources)
    sql = f"""
WITH candidates(person_id, name_id, name_score) AS (
{union}
),
best AS (
    SELECT DISTINCT ON (person_id) person_id, name_id, name_score
      FROM candidates
     ORDER BY person_id, name_score DESC NULLS LAST
),
scored AS (
    SELECT people_person.id, people_person.family_name, people_person.given_names,
           best.name_id, best.name_score,
           {nhs_sql} AS nhs_hit, {upn_sql} AS upn_hit, {dob_sql} AS dob_hit,
           {pc_current} AS postcode_current,
           (CASE WHEN {nhs_sql} OR {upn_sql} THEN {_IDENTIFIER_SCORE} ELSE 0 END
            + CASE WHEN {dob_sql} THEN {_DOB_SCORE} ELSE 0 END
            + {place_score}
            + coalesce(best.name_score, 0)) AS score
      FROM best
      JOIN people_person ON people_person.id = best.person_id
      {place}
     WHERE {visible}
)
SELECT s.id, s.score, s.nhs_hit, s.upn_hit, s.dob_hit, s.postcode_current, s.name_score,
       n.name_type, n.given_names, n.family_name
  FROM scored s
  LEFT JOIN people_personname n ON n.id = s.name_id
 ORDER BY s.score DESC, lower(s.family_name), lower(s.given_names), s.id
 LIMIT %(limit)s
"""
    return sql, p


def _set_thresholds(cursor: Any) -> None:
    cursor.execute(
        "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true),"
        " set_config('pg_trgm.strict_word_similarity_threshold', %s, true)",
        [str(_NAME_WORD_SIMILARITY), str(_WORD_SIMILARITY)],
    )


def _run(sql: str, params: dict[str, Any], terms: SearchTerms) -> list[SearchHit]:
    with transaction.atomic(), connection.cursor() as cursor:
        _set_thresholds(cursor)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    people = Person.objects.in_bulk([row[0] for row in rows])
    hits = []
    for pid, score, nhs_hit, upn_hit, dob_hit, pc_current, name_score, *name in rows:
        matched = []
        if nhs_hit:
            matched.append("nhs_number")
        if upn_hit:
            matched.append("upn")
        if dob_hit:
            matched.append("date_of_birth")
        if pc_current is not None:
            matched.append("postcode" if terms.postcode else "postcode area")
        if name_score is not None and name[0] is not None:
            name_type, given, family = name
            label = _NAME_TYPE_LABELS.get(name_type)
            matched.append(f"{label}: {given} {family}".strip() if label else "name")
        hits.append(SearchHit(person=people[pid], score=round(float(score), 4), matched_on=matched))
    return hits


def person_search(*, user: Any, query: str, limit: int = 25) -> list[SearchHit]:
    """The people ``user`` may find for what was typed in the search box, best first."""
    terms = parse_query(query)
    if terms.is_empty or limit <= 0:
        return []
    st = _statement(terms)
    if not st.sources:
        return []
    sql, params = _final_sql(st, terms, user=user, limit=limit)
    return _run(sql, params, terms)


def explain_search(*, user: Any, query: str, limit: int = 25) -> str:
    """EXPLAIN ANALYZE of the statement ``person_search`` runs, for tuning."""
    terms = parse_query(query)
    st = _statement(terms)
    if terms.is_empty or not st.sources:
        return "(nothing to search for)"
    sql, params = _final_sql(st, terms, user=user, limit=limit)
    with transaction.atomic(), connection.cursor() as cursor:
        _set_thresholds(cursor)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


# -- likely duplicates ----------------------------------------------------------------------


def likely_duplicates(
    *,
    user: Any,
    given_names: str,
    family_name: str,
    date_of_birth: datetime.date | None,
    nhs_number: str = "",
    upn: str = "",
    postcode: str = "",
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[SearchHit]:
    """Records that may already be this person, strongest first: the same NHS number or UPN
    (certain), the same date of birth and a similar name (likely), the same postcode and a
    similar name (possible). Names are compared either way round."""
    words = [
        fold_name(w)
        for w in re.split(r"[\s,]+", f"{given_names} {family_name}")
        if _NAME_WORD.match(w)
    ]
    terms = SearchTerms(name_words=words)
    nhs = normalise_nhs_number(nhs_number)
    if re.fullmatch(r"\d{10}", nhs):
        terms.nhs_number = nhs
    upn_value = normalise_upn(upn)
    if len(upn_value) == 13:
        terms.upn = upn_value
    sources = _Statement()
    if terms.nhs_number or terms.upn:
        sources = _statement(SearchTerms(nhs_number=terms.nhs_number, upn=terms.upn))
    pc = normalise_postcode(postcode)
    if words and date_of_birth:
        dob_terms = SearchTerms(date_of_birth=date_of_birth, name_words=words)
        st = _statement(dob_terms, scoped_names_only=True, strict=True)
        sources.sources += st.sources
        sources.params.update(st.params)
    if words and postcode_is_valid(pc):
        pc_terms = SearchTerms(postcode=pc, name_words=words)
        st = _statement(pc_terms, scoped_names_only=True, strict=True)
        sources.sources += st.sources
        sources.params.update(st.params)
    if not sources.sources:
        return []
    terms.date_of_birth = date_of_birth
    if postcode_is_valid(pc):
        terms.postcode = pc
    sql, params = _final_sql(sources, terms, user=user, limit=limit, exclude_id=exclude_id)
    return _run(sql, params, terms)
