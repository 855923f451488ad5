"""Chunked work in forked processes: results in chunk order, failures surface."""

from __future__ import annotations

import os

import pytest

from pcs_gitops.adapters import forking


def test_split_makes_near_equal_contiguous_chunks() -> None:
    assert forking.split(list(range(7)), 3) == [[0, 1], [2, 3, 4], [5, 6]]
    assert forking.split([1, 2], 4) == [[1], [2]]
    assert forking.split([], 3) == [[]]


def test_split_gives_the_first_chunk_its_share() -> None:
    assert [len(c) for c in forking.split(list(range(100)), 2, 0.5)] == [33, 67]
    assert [len(c) for c in forking.split(list(range(3)), 3, 0.1)] == [1, 1, 1]


def test_results_come_back_in_chunk_order_from_other_processes() -> None:
    results = forking.map_chunks(lambda c: (sum(c), os.getpid()), [[1, 2], [3], [4, 5]])
    assert [r[0] for r in results] == [3, 3, 9]
    assert results[0][1] == os.getpid()
    if forking.can_fork():
        assert results[1][1] != os.getpid() and results[2][1] != os.getpid()


@pytest.mark.skipif(not forking.can_fork(), reason="needs fork")
def test_a_failing_child_raises_with_its_traceback() -> None:
    def work(chunk: list[int]) -> int:
        if chunk == [2]:
            raise ValueError("bad chunk 2")
        return chunk[0]

    with pytest.raises(forking.ChildFailed, match="bad chunk 2"):
        forking.map_chunks(work, [[1], [2]])
