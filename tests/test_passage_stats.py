from evals.passages import length_stats


def test_length_stats():
    stats = length_stats([100, 900, 300, 500, 700])
    assert stats == {"count": 5, "median": 500, "p90": 900, "max": 900, "min": 100}
    assert length_stats([])["count"] == 0
