"""`python3 pathway bench`: every benchmark names a data set, every data set's version moves with
its generator and the migrations (so a kept database is never stale), and each benchmark module
offers the `figures()` the command calls. The benchmarks themselves are run by the command, not
here (timings are never asserted)."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pytest

from bench import run

ROOT = Path(__file__).resolve().parent.parent


def test_every_benchmark_runs_on_a_known_data_set_and_offers_figures():
    assert {benchmark.data_set for benchmark in run.BENCHMARKS} <= set(run.DATA_SETS)
    for module in ("bench.bench_occupancy", "bench.bench_statistics", "bench.bench_people_pages"):
        assert callable(importlib.import_module(module).figures)


def test_quick_and_full_data_sets_live_in_databases_of_their_own():
    names = {
        data_set.database("pathway_bench", quick) for data_set in run.DATA_SETS.values() for quick in (False, True)
    }
    assert len(names) == 2 * len(run.DATA_SETS)
    assert all(name.startswith("pathway_bench_") for name in names)


@pytest.fixture
def copy_of_the_tree(tmp_path, monkeypatch):
    for folder in ("bench", "seeds", "shelters/migrations", "casework/migrations"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(run, "ROOT", tmp_path)
    return tmp_path


def test_the_version_moves_with_the_generator_the_migrations_and_the_size(copy_of_the_tree):
    occupancy = run.DATA_SETS["occupancy"]
    before = run.version(occupancy, quick=False)
    assert run.version(occupancy, quick=False) == before
    assert run.version(occupancy, quick=True) != before

    (copy_of_the_tree / "bench" / "bench_occupancy.py").write_text("# the measuring code is not the data\n")
    assert run.version(occupancy, quick=False) == before
    (copy_of_the_tree / "shelters" / "migrations" / "9999_new_index.py").write_text("# a new index\n")
    after_migration = run.version(occupancy, quick=False)
    assert after_migration != before
    with (copy_of_the_tree / "bench" / "occupancy_data.py").open("a") as generator:
        generator.write("# another generator\n")
    assert run.version(occupancy, quick=False) != after_migration


def test_every_script_benchmark_exists_and_offers_json():
    for script in run.SCRIPTS:
        source = (ROOT / script.path).read_text()
        assert '"--json"' in source, script.path
        assert script.full and script.database
    assert [script.name for script in run.SCRIPTS if script.quick is None] == ["load test (full only)"]


def test_the_table_shows_each_row_with_its_unit_floor_and_ratio(capsys):
    rows = '[["10 rows", "peak RSS", 150.0, 200.0, null, "MB"], ["day", "list", 40, null, 90]]'
    output = f"gunicorn: started\n{rows}\n[2026-12-07 09:59:50: WARNING/MainProcess] worker: Warm shutdown\n"
    run.table("export memory", output, "1.0 → 2.0")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "| export memory | 10 rows | peak RSS | 150 |  | 200.0 | 0.75x | MB | 1.0 → 2.0 |",
        "| export memory | day | list | 40 | 90 |  |  | ms | 1.0 → 2.0 |",
    ]
