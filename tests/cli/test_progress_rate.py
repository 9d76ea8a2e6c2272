"""The import's progress bar shows rows and rows per second for stages that count rows (issue 18)."""

from __future__ import annotations

from rich.progress import Progress

from guozi.cli.collect import RowsPerSecond


def _shown(lang: str, completed: float, total: float, seconds: float, *, finish: bool = False) -> str:
    clock = [100.0]  # a clock of the test's own: the stage starts at 100 s
    bar = Progress(RowsPerSecond(lang), get_time=lambda: clock[0], disable=True)
    task = bar.add_task("write", total=total)
    clock[0] += seconds
    bar.update(task, completed=completed)
    if finish:  # finished later: the rate is the one at completion
        clock[0] += 50
    column = RowsPerSecond(lang)
    return column.render(bar.tasks[0]).plain


def test_rows_per_second_is_rows_done_over_the_time_since_the_stage_began() -> None:
    # 1 200 000 rows in 8 s: 150 000 rows/s
    assert _shown("en", 1_200_000, 13_000_000, 8) == "1,200,000 rows · 150,000 rows/s"
    assert _shown("zh", 1_200_000, 13_000_000, 8) == "1,200,000 行 · 150,000 行/秒"


def test_a_finished_stage_keeps_its_rate_at_completion() -> None:
    # 3 000 000 of 3 000 000 rows in 20 s: 150 000 rows/s, however long the bar stays up afterwards
    assert _shown("en", 3_000_000, 3_000_000, 20, finish=True) == "3,000,000 rows · 150,000 rows/s"


def test_a_stage_of_one_step_shows_no_rate() -> None:
    assert _shown("en", 1, 1, 5) == ""
