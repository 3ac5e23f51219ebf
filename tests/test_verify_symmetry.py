"""The second look (verify.aligned_copy) is symmetric, also when both articles have the same
number of words: whether two articles are copies never depends on their input order."""

import random

import numpy as np

import dupfinder
from dupfinder.stages.verify import aligned_copy

VOCAB = ("council officials said the plan would widen the harbour road and add a bus lane near "
         "school before winter residents argued that traffic noise already kept families awake "
         "while shop owners welcomed more visitors mayor described project as overdue engineers "
         "expect work begin spring budget approved last month includes funds for cycle paths "
         "trees lighting drainage opponents plan petition regional court hearing scheduled").split()


def _pair() -> tuple[str, str]:
    rng = random.Random(7)
    base = [rng.choice(VOCAB) for _ in range(200)]
    edited = list(base)
    for k in range(6, 200, 11):
        edited[k] = "reportedly"  # a copy edit every eleven words
    passage = ("the meeting ran late into the evening as speakers queued at the "
               "microphone").split()  # 13 words
    short = "speakers queued for hours tonight".split()  # 5 words in its place
    tail = "this story has been updated with comment from".split()[:8]  # a trimmed ending
    a = " ".join(base[:100] + passage + base[100:])
    b = " ".join(edited[:100] + short + edited[100:] + tail)
    assert len(a.split()) == len(b.split())
    return a, b


def test_aligned_copy_is_symmetric_for_equal_lengths():
    x = np.arange(1000, 1100, dtype=np.uint32)
    y = np.arange(2000, 2100, dtype=np.uint32)
    a = np.concatenate([x, np.arange(5000, 5013, dtype=np.uint32), y])
    b = np.concatenate([x, np.arange(6000, 6005, dtype=np.uint32), y,
                        np.arange(7000, 7008, dtype=np.uint32)])
    assert a.size == b.size
    assert aligned_copy(a, b) == aligned_copy(b, a)


def test_scan_same_clusters_in_any_input_order():
    a, b = _pair()
    forward = dupfinder.scan([{"id": "a", "text": a}, {"id": "b", "text": b}])
    backward = dupfinder.scan([{"id": "b", "text": b}, {"id": "a", "text": a}])

    def clusters(r):
        return [sorted(m.article.id for m in c.members) for c in r.clusters]

    assert clusters(forward) == clusters(backward)
