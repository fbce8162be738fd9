"""The SQLite record manager behind LangChain's index(): the six-method contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.index.records import SQLiteRecordManager


@pytest.fixture
def records(tmp_path: Path) -> SQLiteRecordManager:
    manager = SQLiteRecordManager("chroma/test", tmp_path / "r" / "records.sqlite")
    manager.create_schema()
    yield manager
    manager.close()


def test_update_exists_and_groups(records: SQLiteRecordManager) -> None:
    records.update(["a", "b", "c"], group_ids=["d1", "d1", "d2"])
    assert records.exists(["a", "x", "c"]) == [True, False, True]
    assert sorted(records.list_keys()) == ["a", "b", "c"]
    assert sorted(records.list_keys(group_ids=["d1"])) == ["a", "b"]
    assert records.list_keys(group_ids=["nope"]) == []
    assert records.groups() == {"d1": 2, "d2": 1}
    assert records.count() == 3
    assert records.list_keys(limit=2) and len(records.list_keys(limit=2)) == 2


def test_update_moves_key_to_new_group(records: SQLiteRecordManager) -> None:
    records.update(["a"], group_ids=["d1"])
    records.update(["a"], group_ids=["d2"])
    assert records.groups() == {"d2": 1}
    assert records.count() == 1


def test_before_and_after_select_by_update_time(records: SQLiteRecordManager) -> None:
    records.update(["old1", "old2"], group_ids=["d", "d"])
    cut = records.get_time()
    records.update(["new"], group_ids=["d"])
    assert sorted(records.list_keys(before=cut)) == ["old1", "old2"]
    assert records.list_keys(after=cut) == ["new"]
    # Re-touching an old key moves it past the cut (how index() marks "still current").
    records.update(["old1"], group_ids=["d"])
    assert records.list_keys(before=cut) == ["old2"]
    assert records.last_update() is not None and records.last_update() > cut


def test_time_strictly_increases(records: SQLiteRecordManager) -> None:
    times = [records.get_time() for _ in range(1000)]
    assert all(b > a for a, b in zip(times, times[1:], strict=False))


def test_delete_keys(records: SQLiteRecordManager) -> None:
    records.update(["a", "b", "c"], group_ids=["d", "d", None])
    records.delete_keys(["a", "c", "missing"])
    assert records.list_keys() == ["b"]
    assert records.groups() == {"d": 1}


def test_mismatched_group_ids_rejected(records: SQLiteRecordManager) -> None:
    with pytest.raises(ValueError, match="Length"):
        records.update(["a", "b"], group_ids=["d"])


def test_time_at_least_in_future_rejected(records: SQLiteRecordManager) -> None:
    with pytest.raises(ValueError, match="past"):
        records.update(["a"], time_at_least=records.get_time() + 3600)


def test_namespaces_are_separate_and_persisted(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite"
    one = SQLiteRecordManager("ns/one", path)
    two = SQLiteRecordManager("ns/two", path)
    one.create_schema()
    two.create_schema()
    one.update(["k1"], group_ids=["g"])
    two.update(["k2"], group_ids=["g"])
    assert one.list_keys() == ["k1"] and two.list_keys() == ["k2"]
    one.close()
    two.close()
    reopened = SQLiteRecordManager("ns/one", path)
    reopened.create_schema()
    assert reopened.exists(["k1", "k2"]) == [True, False]
    reopened.close()


def test_exists_handles_many_keys(records: SQLiteRecordManager) -> None:
    keys = [f"k{i}" for i in range(1234)]
    records.update(keys[::2], group_ids=["g"] * len(keys[::2]))
    assert records.exists(keys) == [i % 2 == 0 for i in range(1234)]
