"""The withholding-ground parser, table-driven: real-world forms, OCR slips, and look-alikes that must not match."""

import pytest

from app.core import grounds
from app.core.catalogue import AU_FOI, LGOIMA, NZ_OIA, UK_FOIA, US_FOIA, meaning, statute
from app.core.grounds import find_citations

# (text, jurisdiction, expected [(regime, ground)])
CASES = [
    # New Zealand OIA, section 9(2), as printed
    ("s9(2)(a)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("s 9(2)(a)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("s. 9(2)(a)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("section 9(2)(a)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("Section 9(2)(a)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("9(2)(a) OIA", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("[Withheld under s9(2)(a)]", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("Withheld under section 9(2)(g)(i) of the Act", "nz-oia", [(NZ_OIA, "9(2)(g)(i)")]),
    ("9(2)(g)(ii)", "nz-oia", [(NZ_OIA, "9(2)(g)(ii)")]),
    ("9(2)(ba)(i)", "nz-oia", [(NZ_OIA, "9(2)(ba)(i)")]),
    ("9(2)(ba)(ii)", "nz-oia", [(NZ_OIA, "9(2)(ba)(ii)")]),
    ("9(2)(b)(ii)", "nz-oia", [(NZ_OIA, "9(2)(b)(ii)")]),
    ("9(2)(f)(iv)", "nz-oia", [(NZ_OIA, "9(2)(f)(iv)")]),
    ("9(2)(h)", "nz-oia", [(NZ_OIA, "9(2)(h)")]),
    ("9(2)(i)", "nz-oia", [(NZ_OIA, "9(2)(i)")]),
    ("9(2)(j)", "nz-oia", [(NZ_OIA, "9(2)(j)")]),
    ("9(2)(k)", "nz-oia", [(NZ_OIA, "9(2)(k)")]),
    ("s9(2)(c)", "nz-oia", [(NZ_OIA, "9(2)(c)")]),
    ("sections 9(2)(a) and 9(2)(g)(i)", "nz-oia", [(NZ_OIA, "9(2)(a)"), (NZ_OIA, "9(2)(g)(i)")]),
    ("9(2)(a), 9(2)(b)(ii), 9(2)(j)", "nz-oia", [(NZ_OIA, "9(2)(a)"), (NZ_OIA, "9(2)(b)(ii)"), (NZ_OIA, "9(2)(j)")]),
    ("(s9(2)(a))", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("s9(2)(a).", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    # OCR slips
    ("9 (2) (a)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("9 (2) (g) (i)", "nz-oia", [(NZ_OIA, "9(2)(g)(i)")]),
    ("9(2Xa)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("9(2Xg)(i)", "nz-oia", [(NZ_OIA, "9(2)(g)(i)")]),
    ("9(2)Xg)(ii)", "nz-oia", [(NZ_OIA, "9(2)(g)(ii)")]),
    ("9{2)(a)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("9(2}(a)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("9[2][a]", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("S9(2)(A)", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("s9(2)(a", "nz-oia", [(NZ_OIA, "9(2)(a)")]),
    ("| 9(2)(9)(i)", "nz-oia", [(NZ_OIA, "9(2)(g)(i)")]),
    ("9(2)(q)(ii)", "nz-oia", [(NZ_OIA, "9(2)(g)(ii)")]),
    ("9(2)(g)(1)", "nz-oia", [(NZ_OIA, "9(2)(g)(i)")]),
    ("9(2)(b)/(ii)", "nz-oia", [(NZ_OIA, "9(2)(b)(ii)")]),
    ("9(2)(ba)(il)", "nz-oia", [(NZ_OIA, "9(2)(ba)(ii)")]),
    # New Zealand OIA, sections 6, 7 and 18
    ("[withheld under s 6(a)]", "nz-oia", [(NZ_OIA, "6(a)")]),
    ("s6(a)", "nz-oia", [(NZ_OIA, "6(a)")]),
    ("section 6(b)", "nz-oia", [(NZ_OIA, "6(b)")]),
    ("6(c) OIA", "nz-oia", [(NZ_OIA, "6(c)")]),
    ("6(d) of the Official Information Act", "nz-oia", [(NZ_OIA, "6(d)")]),
    ("s 7(b)", "nz-oia", [(NZ_OIA, "7(b)")]),
    ("refused under section 18(d)", "nz-oia", [(NZ_OIA, "18(d)")]),
    ("s18(e)", "nz-oia", [(NZ_OIA, "18(e)")]),
    ("s 18(c)(i)", "nz-oia", [(NZ_OIA, "18(c)(i)")]),
    ("section 18(da)", "nz-oia", [(NZ_OIA, "18(da)")]),
    ("s18(h)", "nz-oia", [(NZ_OIA, "18(h)")]),
    # LGOIMA
    ("7(2)(a) LGOIMA", "nz-oia", [(LGOIMA, "7(2)(a)")]),
    ("s7(2)(b)(ii)", "nz-oia", [(LGOIMA, "7(2)(b)(ii)")]),
    ("section 7(2)(j)", "nz-lgoima", [(LGOIMA, "7(2)(j)")]),
    ("s 6(a)", "nz-lgoima", [(LGOIMA, "6(a)")]),
    ("s17(d)", "nz-lgoima", [(LGOIMA, "17(d)")]),
    ("6(b) of the LGOIMA", "nz-oia", [(LGOIMA, "6(b)")]),
    # US FOIA
    ("(b)(6)", "nz-oia", [(US_FOIA, "(b)(6)")]),
    ("(b)(7)(C)", "nz-oia", [(US_FOIA, "(b)(7)(C)")]),
    ("(b)(6), (b)(7)(C)", "us-foia", [(US_FOIA, "(b)(6)"), (US_FOIA, "(b)(7)(C)")]),
    ("(b) (5)", "us-foia", [(US_FOIA, "(b)(5)")]),
    ("Exemption (b)(4)", "us-foia", [(US_FOIA, "(b)(4)")]),
    ("b6", "us-foia", [(US_FOIA, "(b)(6)")]),
    ("b(7)(E)", "us-foia", [(US_FOIA, "(b)(7)(E)")]),
    ("Exemption 5", "us-foia", [(US_FOIA, "(b)(5)")]),
    # UK FOIA and Australian FOI Act
    ("s.40(2)", "nz-oia", [(UK_FOIA, "40(2)")]),
    ("section 43(2)", "uk-foia", [(UK_FOIA, "43(2)")]),
    ("s36(2)(b)(i)", "uk-foia", [(UK_FOIA, "36(2)(b)(i)")]),
    ("section 35", "uk-foia", [(UK_FOIA, "35")]),
    ("s 42", "au-foi", [(AU_FOI, "42")]),
    ("s 47F", "nz-oia", [(AU_FOI, "47F")]),
    ("s47C", "au-foi", [(AU_FOI, "47C")]),
    ("s 47E(d)", "au-foi", [(AU_FOI, "47E(d)")]),
    ("s 33(a)(i)", "au-foi", [(AU_FOI, "33(a)(i)")]),
    ("s 45A", "au-foi", [(AU_FOI, "45A")]),
    # Look-alikes that are not grounds
    ("9(2)", "nz-oia", []),
    ("Phone (09) 9(2)", "nz-oia", []),
    ("ph 04 9(2) 123", "nz-oia", []),
    ("19(2)(a)", "nz-oia", []),
    ("29(2)(b)", "nz-oia", []),
    ("6(a) Background", "nz-oia", []),
    ("Recommendation 7(b): agree", "nz-oia", []),
    ("18(d) is listed", "nz-oia", []),
    ("Rule 23(b)(3)", "nz-oia", []),
    ("Fed. R. Civ. P. 30(b)(6)", "us-foia", []),
    ("23(b)(1)/(b)(3)", "us-foia", []),
    ("b6", "nz-oia", []),
    ("Exemption 5", "nz-oia", []),
    ("section 35 of the Education Act", "nz-oia", []),
    ("s 20", "uk-foia", []),
    ("s 48", "au-foi", []),
    ("2019(2)(a)", "nz-oia", []),
    ("9.2(a)", "nz-oia", []),
    ("paragraph 9(a)", "nz-oia", []),
    ("§ 1983", "us-foia", []),
    ("Table 9(2)", "nz-oia", []),
]


@pytest.mark.parametrize(("text", "jurisdiction", "expected"), CASES)
def test_find_citations(text, jurisdiction, expected):
    assert [(c.regime, c.ground) for c in find_citations(text, jurisdiction)] == expected


def test_there_are_at_least_sixty_forms():
    assert len(CASES) >= 60
    assert sum(1 for _, _, expected in CASES if not expected) >= 15


def test_citation_offsets_point_at_the_text():
    text = "Budget figures [Withheld under s 9(2)(b)(ii)] and names (s9(2)(a))."
    spans = [text[c.start : c.end] for c in find_citations(text)]
    assert spans == ["s 9(2)(b)(ii)", "s9(2)(a)"]


@pytest.mark.parametrize(
    ("regime", "ground", "meaning_part", "statute_part"),
    [
        (NZ_OIA, "9(2)(a)", "privacy of natural persons", "s 9, Other reasons for withholding official information"),
        (NZ_OIA, "9(2)(g)(i)", "free and frank", "Official Information Act 1982 (NZ)"),
        (NZ_OIA, "6(a)", "security or defence", "s 6, Conclusive reasons"),
        (NZ_OIA, "18(d)", "publicly available", "s 18, Refusal of requests"),
        (LGOIMA, "7(2)(a)", "privacy", "Local Government Official Information and Meetings Act 1987"),
        (US_FOIA, "(b)(7)(C)", "personal privacy", "5 U.S.C. § 552(b)"),
        (UK_FOIA, "40(2)", "personal information", "Freedom of Information Act 2000 (UK), section 40"),
        (AU_FOI, "47F", "personal privacy", "Freedom of Information Act 1982 (Australia)"),
        (NZ_OIA, "9(2)(z)", "not in the catalogue", "s 9"),
    ],
)
def test_catalogue(regime, ground, meaning_part, statute_part):
    assert meaning_part in meaning(regime, ground)
    assert statute_part in statute(regime, ground)


@pytest.mark.parametrize(("text", "jurisdiction"), [(text, jurisdiction) for text, jurisdiction, _ in CASES])
def test_each_finder_is_skipped_only_where_it_could_not_match(text, jurisdiction):
    """The cheap searches in FINDERS are shortcuts: a finder run on a text its search rejects finds nothing."""
    preference = grounds.JURISDICTIONS[jurisdiction]
    for needs, finder in grounds.FINDERS:
        for variant in (text, text.upper(), f"Budget {text} figures"):
            if needs is not None and not needs.search(variant):
                assert finder(variant, preference) == [], (finder.__name__, variant)


def test_a_page_citing_nothing_is_read_without_the_expensive_patterns():
    text = "Line 31 of page 5: supply chain resilience and sustainment in 2024 (see annex)."
    skipped = [finder for needs, finder in grounds.FINDERS if needs is not None and not needs.search(text)]
    assert len(skipped) >= 4
    assert find_citations(text) == []


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ("9(2)(f)liv)", "9(2)(f)(iv)"),  # OCR of 9 pt print at 150 dpi (FACTS.md)
        ("9(2)(g)(1)", "9(2)(g)(i)"),
        ("9(2)(ba)(l)", "9(2)(ba)(i)"),
        ("g2vk)o1aAdvisory", "9(2)(k)"),  # brackets read as letters, 9 as g, OIA run on
        ("S92ucySI months", "9(2)(c)"),
        ("518(d) initsmeeting", "18(d)"),
        ("902)(a)", "9(2)(a)"),
        ("9(2)(k)OIA", "9(2)(k)"),
        ("9(2) (3) the next briefing", "9(2)(j)"),  # small Courier and Times j read as 3 at 150 dpi
        ("9(2) (n)]", "9(2)(h)"),
        ("9(2) (g) (2) its meeting", "9(2)(g)(i)"),  # more was printed than 9(2)(g)
        ("[withheld under : (2)(a)] the annex", "9(2)(a)"),  # a closing ] is not more of a ground
        ("$902)0)_", None),  # could be (a), (b), (j), ...: not guessed
        ("s2e) six months", None),  # 2 is not 6: not 6(e)
        ("92i)asetobe", None),  # (i) or (a): not guessed
        ("s. 912i) case to be", "9(2)(i)"),  # the ground ends at the next word: "case" is not (c)
        ("9(2)(bak) in March", None),  # (ba), (b) or (a)
        ("S. 9(2)(2)(1)", "9(2)(g)(i)"),  # 7 pt Times g read as 2 at 150 dpi
        ("9(2)(g)(", "9(2)(g)"),  # as near its (i) and (ii): the ground it is at least
        ("9(2)(ba", None),  # (b) or (ba): neither is the other's part
        ("9(2)(g) iii", "9(2)(g)"),  # a Roman numeral after a ground is no word that ends it
        ("with partners remains", None),
        ("12 March", None),
        ("9 March 2023", None),
        ("2024 budget", None),
    ],
)
def test_a_mangled_reading_snaps_to_the_nearest_ground_only_when_clear(reading, expected):
    snapped = grounds.snap_ground(reading, "nz-oia")
    assert (snapped.ground if snapped else None) == expected


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ("s 9(2)(a) the business case", "9(2)(a)"),
        ("[withheld under s 9(2)(a)] the annex", "9(2)(a)"),
        ("9(2)(g) (4i) its meeting", None),  # cites 9(2)(g), but more of a ground follows
        ("9(2)(ba)i) OIA", None),
        ("9(2)(f)liv)", None),
        ("9(2)(b)(ti) OIA", None),
        # The Act divides 9(2)(g) into (i) and (ii): read alone on a scan its end may be lost.
        ("$9 (2) (g).(4) to this paper", None),
        ("Ss. 9(2) (g) iw programme", None),
        ("s 9(2)(g)(ii) the annex", "9(2)(g)(ii)"),
        ("s 9(2)(ba)(i) OIA", "9(2)(ba)(i)"),
        ("no ground here", None),
    ],
)
def test_a_citation_is_whole_only_when_nothing_like_more_of_a_ground_follows(reading, expected):
    whole = grounds.whole_citation(reading, "nz-oia")
    assert (whole.ground if whole else None) == expected
