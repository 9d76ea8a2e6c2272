"""Entity rows as a store gives them (``entity_frame``): every cell text or ``None`` (issue 18: by columns)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from guozi.engine.backends import entity_frame


def test_text_columns_blanks_become_none() -> None:
    frame = pd.DataFrame(
        {
            "entity_id": ["A", "B", "C", "D"],
            "parent_id": ["", None, np.nan, "A"],  # empty text, None and NaN are all blank
            "region": pd.array(["华东", None, "", "x"], dtype="string[pyarrow]"),  # Arrow text with a missing value
            "employees": [1, 2.5, np.nan, 4],  # not text: each written by str (a float column here)
        }
    )
    out = entity_frame(frame)
    assert out.to_dict("list") == {
        "entity_id": ["A", "B", "C", "D"],
        "parent_id": [None, None, None, "A"],
        "region": ["华东", None, None, "x"],
        "employees": ["1.0", "2.5", None, "4.0"],
    }
    assert all(out[c].dtype == object for c in out.columns)
    assert frame.parent_id.tolist()[0] == ""  # the caller's frame is left as it was


def test_mixed_objects_are_written_by_str() -> None:
    frame = pd.DataFrame({"code": pd.Series(["7", 8, None, ""], dtype=object)})
    assert entity_frame(frame).code.tolist() == ["7", "8", None, None]
