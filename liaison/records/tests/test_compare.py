"""Pairing two readouts' statements: what both say and what only one side claims."""

from __future__ import annotations

from liaison.records.compare import compare, similarity, statements

SOUTH = """The two sides reaffirmed their commitment to implementing the Pyongyang Declaration.

They agreed to continue close consultations through the channel.
The South raised the delayed rail study."""
NORTH = """- Both sides reaffirmed the commitment to implement the Pyongyang Declaration thoroughly.
- The sides agreed to continue consultations through the channel.
- The North urged the South not to follow outside forces."""


def test_statements_split_paragraphs_sentences_and_list_items():
    assert statements("A first. “Quoted” second.\n\n- one\n- two. Three\n1. four") == [
        "A first.",
        "“Quoted” second.",
        "one",
        "two.",
        "Three",
        "four",
    ]


def test_readouts_that_agree_pair_every_statement():
    rows = compare(SOUTH.split("The South")[0], NORTH.split("- The North")[0])
    assert [r.shared for r in rows] == [True, True]


def test_readouts_that_differ_mark_what_only_one_side_claims():
    rows = compare(SOUTH, NORTH)
    assert [(r.only, (r.left or r.right)[:20]) for r in rows] == [
        (None, "The two sides reaffi"),
        (None, "They agreed to conti"),
        ("left", "The South raised the"),
        ("right", "The North urged the "),
    ]


def test_when_only_one_side_published_every_statement_is_its_own():
    rows = compare(None, NORTH)
    assert [r.only for r in rows] == ["right", "right", "right"]
    assert compare(None, None) == []


def test_a_statement_pairs_with_at_most_one_and_the_best():
    rows = compare("We agreed to meet weekly.", "We agreed to meet. We agreed to meet weekly.")
    assert rows[0].right == "We agreed to meet weekly."
    assert rows[1].only == "right"


def test_unrelated_statements_do_not_pair():
    assert similarity("The rail study is pending.", "Sanctions block the performance.") < 0.5
    assert [r.only for r in compare("The rail study is pending.", "Sanctions apply.")] == [
        "left",
        "right",
    ]
