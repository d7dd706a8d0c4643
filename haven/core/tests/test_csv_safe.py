import csv
import io
import pathlib
import re

import haven
from haven.core import csv_safe


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text():
    rows = [['=HYPERLINK("http://x")', "+44 7700", "-1+1", "@SUM(A1)", "\tx", "\rx", "Zoë", 12, -3]]
    written = list(csv.reader(io.StringIO("".join(csv_safe.lines(rows)))))
    assert written == [
        [
            '\'=HYPERLINK("http://x")',
            "'+44 7700",
            "'-1+1",
            "'@SUM(A1)",
            "'\tx",
            "'\rx",
            "Zoë",
            "12",
            "-3",
        ]
    ]


def test_every_csv_haven_writes_goes_through_the_safe_writer():
    root = pathlib.Path(haven.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "csv_safe.py"
        and re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert offenders == []
