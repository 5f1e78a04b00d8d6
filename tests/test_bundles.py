"""Where each listed document starts in a bundle: by a "Document N" stamp, its title, or its
title's first words and its date; documents withheld in full have no pages."""

from schedules import DOCUMENTS, bundle_pdf, page_words

from app.core.bundles import locate
from app.core.schedules import read_schedule


def test_each_document_in_the_bundle_is_found_where_it_starts():
    pdf, expected = bundle_pdf()
    words = page_words(pdf)
    rows = [
        {"number": r.number, "date": r.date.isoformat() if r.date else None, "title": r.title, "decision": r.decision}
        for r in read_schedule(words)
    ]
    texts = [" ".join(w[0] for w in page) for page in words]
    assert locate(rows, texts, first_page=3) == expected
    assert sum(1 for pages in expected if pages) == 6 and len(expected) == len(DOCUMENTS)


def test_a_document_not_found_has_no_pages_and_does_not_stop_the_next():
    rows = [
        {"number": "1", "date": None, "title": "A paper nobody printed", "decision": "released"},
        {"number": "2", "date": None, "title": "Briefing on the scheme", "decision": "released"},
    ]
    texts = ["Letter", "Schedule", "Briefing on the scheme\nPurpose", "more", "more"]
    assert locate(rows, texts, first_page=3) == [None, [3, 5]]
