"""Hand-written scenarios through real botocore and through us (spec section 21).

Each table runs once, two subprocesses at a time, when its first test asks;
every scenario is then one test id.
"""

from __future__ import annotations

from typing import Callable, Dict

import pytest
import scenarios as S
from _support import QUICK, requires_botocore_143, sample
from oracle import Batch

pytestmark = requires_botocore_143

TABLES: Dict[str, Callable[[], S.Table]] = {
    "ini": S.ini_table,
    "merge": S.merge_table,
    "selection": S.selection_table,
    "eager": S.eager_table,
    "location": S.location_table,
    "ladder": S.ladder_table,
    "region": S.region_table,
}

BATCHES = {name: Batch(sample(build())) for name, build in TABLES.items()}
CASES = [(table, sid) for table, batch in BATCHES.items() for sid in batch.ids()]


def test_tables_are_populated() -> None:
    assert len(CASES) >= (60 if QUICK else 400)
    for batch in BATCHES.values():
        assert batch.ids(), "a scenario table is empty"
        assert len(set(batch.ids())) == len(batch.ids()), "duplicate scenario ids"


@pytest.mark.parametrize(("table", "sid"), CASES, ids=["%s:%s" % c for c in CASES])
def test_same_outcome_as_botocore(table: str, sid: str) -> None:
    BATCHES[table].check(sid)
