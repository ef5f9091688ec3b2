"""A design codes each column once, also when threads ask for it at once, and shares the codes of
the columns a derived design (assign) does not replace with it, whichever codes them first."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd

import mhr_indicators as mhr
from mhr_indicators.survey import column_codes


def test_a_column_is_coded_once_when_threads_ask_at_once(monkeypatch):
    data = pd.DataFrame({"w": [1.0, 2.0, 3.0], "sex": ["M", "F", "M"], "g": [1, 0, 1]})
    design = mhr.SurveyDesign(data, weights="w")
    calls = []
    coded = column_codes.factorize_column

    def slow(values):
        calls.append(values.name)
        time.sleep(0.05)  # long enough for the other thread to ask meanwhile
        return coded(values)

    monkeypatch.setattr(column_codes, "factorize_column", slow)
    got = []
    threads = [threading.Thread(target=lambda: got.append(design.codes("sex"))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["sex"]
    assert got[0] is got[1]
    assert got[0][0].tolist() == [1, 0, 1] and list(got[0][1]) == ["F", "M"]
    derived = design.assign(g=np.array([0, 0, 1]))
    assert derived.codes("sex") is got[0]  # kept: not replaced
    assert derived.codes("g")[0].tolist() == [0, 0, 1]  # replaced: coded anew
    assert design.codes("g")[0].tolist() == [1, 0, 1]
    assert calls == ["sex", "g", "g"]
    # a column first coded through the derived design is kept by the design it came from
    again = derived.assign(extra=np.zeros(3))
    assert again.codes("w") is design.codes("w") is derived.codes("w")
    assert calls == ["sex", "g", "g", "w"]
