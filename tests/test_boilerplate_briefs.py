"""A one-paragraph brief stays story text when a digest quotes it, or when a copy prints it
twice: its copies still cluster (the brief is the whole text of most of its carriers)."""

import dupfinder

BRIEF = ("Firefighters contained a grass fire that burned close to homes on the northern edge of "
         "Millbrook on Tuesday afternoon, the county fire service said, adding that nobody was "
         "hurt and that crews would stay overnight to watch for flare-ups.")
OTHER1 = ("The city library will open on Sundays from next month after the council agreed to "
          "fund extra staff, a spokeswoman said, following a petition signed by local families.")
OTHER2 = ("A new footbridge over the river Ashe was lifted into place overnight, and the crossing "
          "is expected to open to walkers and cyclists before the end of the summer.")
OUTLETS = ["millbrooknews.com", "valleyherald.com", "ashetimes.co.uk", "northcountypost.com"]


def _copies():
    return [{"id": f"copy{i}", "text": BRIEF, "outlet": o} for i, o in enumerate(OUTLETS)]


def _clusters(records):
    return [sorted(m.article.id for m in c.members) for c in dupfinder.scan(records).clusters]


def test_copies_cluster_without_digest():
    assert _clusters(_copies()) == [["copy0", "copy1", "copy2", "copy3"]]


def test_digest_quoting_brief_does_not_erase_the_copies():
    records = _copies() + [{"id": "digest", "text": "\n".join([BRIEF, OTHER1, OTHER2]),
                            "outlet": "regionaldigest.com"}]
    found = _clusters(records)
    assert any({"copy0", "copy1", "copy2", "copy3"} <= set(c) for c in found), found


def test_copy_printing_brief_twice_does_not_erase_the_copies():
    # One outlet printed the brief twice (teaser above the body). The repeat is kept (it is
    # all of that page), but boilerplate.py:174 divides one occurrence's words by a doc_words
    # that counts both, so the unit is "half" of that page and the most-of-text exemption fails.
    records = _copies()[:3]
    records[2] = {**records[2], "text": BRIEF + "\n" + BRIEF}
    assert _clusters(records) == [["copy0", "copy1", "copy2"]]
