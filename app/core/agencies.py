"""New Zealand agencies that answer OIA requests, and how a letter names them: the name, its
te reo Māori name, its web address, a letterhead phrase. A Minister's office is named by the
letter itself ("Office of Hon Jane Smith")."""

import re

from rapidfuzz.distance import Levenshtein

AGENCIES = {
    "New Zealand Police": ["New Zealand Police", "Police National Headquarters", "police.govt.nz", "NZ Police"],
    "The Treasury": ["The Treasury", "Te Tai Ōhanga", "treasury.govt.nz"],
    "Ministry of Health": ["Ministry of Health", "Manatū Hauora", "health.govt.nz"],
    "Health New Zealand": ["Health New Zealand", "Te Whatu Ora", "tewhatuora.govt.nz"],
    "Ministry of Education": ["Ministry of Education", "Te Tāhuhu o te Mātauranga", "education.govt.nz"],
    "Ministry of Foreign Affairs and Trade": ["Ministry of Foreign Affairs and Trade", "Manatū Aorere", "mfat.govt.nz"],
    "Ministry of Business, Innovation and Employment": [
        "Ministry of Business, Innovation and Employment",
        "Ministry of Business, Innovation & Employment",
        "Hīkina Whakatutuki",
        "mbie.govt.nz",
    ],
    "Inland Revenue": ["Inland Revenue", "Te Tari Taake", "ird.govt.nz"],
    "Department of the Prime Minister and Cabinet": [
        "Department of the Prime Minister and Cabinet",
        "Te Tari o te Pirimia me te Komiti Matua",
        "dpmc.govt.nz",
    ],
    "Ministry of Defence": ["Ministry of Defence", "Manatū Kaupapa Waonga", "defence.govt.nz"],
    "New Zealand Defence Force": ["New Zealand Defence Force", "Te Ope Kātua o Aotearoa", "nzdf.mil.nz"],
    "Ministry of Justice": ["Ministry of Justice", "Tāhū o te Ture", "justice.govt.nz"],
    "Department of Corrections": ["Department of Corrections", "Ara Poutama Aotearoa", "corrections.govt.nz"],
    "Ministry of Social Development": ["Ministry of Social Development", "Te Manatū Whakahiato Ora", "msd.govt.nz"],
    "Oranga Tamariki": ["Oranga Tamariki", "orangatamariki.govt.nz"],
    "Ministry of Transport": ["Ministry of Transport", "Te Manatū Waka", "transport.govt.nz"],
    "NZ Transport Agency Waka Kotahi": ["NZ Transport Agency", "Waka Kotahi", "nzta.govt.nz"],
    "Ministry for the Environment": ["Ministry for the Environment", "Manatū Mō Te Taiao", "environment.govt.nz"],
    "Ministry for Primary Industries": ["Ministry for Primary Industries", "Manatū Ahu Matua", "mpi.govt.nz"],
    "Department of Internal Affairs": ["Department of Internal Affairs", "Te Tari Taiwhenua", "dia.govt.nz"],
    "Ministry of Housing and Urban Development": [
        "Ministry of Housing and Urban Development",
        "Te Tūāpapa Kura Kāinga",
        "hud.govt.nz",
    ],
    "Kāinga Ora": ["Kāinga Ora", "kaingaora.govt.nz"],
    "Te Puni Kōkiri": ["Te Puni Kōkiri", "Ministry of Māori Development", "tpk.govt.nz"],
    "Stats NZ": ["Stats NZ", "Statistics New Zealand", "Tatauranga Aotearoa", "stats.govt.nz"],
    "Reserve Bank of New Zealand": ["Reserve Bank of New Zealand", "Te Pūtea Matua", "rbnz.govt.nz"],
    "Public Service Commission": ["Public Service Commission", "Te Kawa Mataaho", "publicservice.govt.nz"],
    "New Zealand Customs Service": ["New Zealand Customs Service", "Te Mana Ārai o Aotearoa", "customs.govt.nz"],
    "Department of Conservation": ["Department of Conservation", "Te Papa Atawhai", "doc.govt.nz"],
    "Land Information New Zealand": ["Land Information New Zealand", "Toitū Te Whenua", "linz.govt.nz"],
    "Fire and Emergency New Zealand": ["Fire and Emergency New Zealand", "fireandemergency.nz"],
    "Government Communications Security Bureau": ["Government Communications Security Bureau", "gcsb.govt.nz"],
    "New Zealand Security Intelligence Service": ["New Zealand Security Intelligence Service", "nzsis.govt.nz"],
    "Accident Compensation Corporation": ["Accident Compensation Corporation", "acc.co.nz"],
    "WorkSafe New Zealand": ["WorkSafe New Zealand", "worksafe.govt.nz"],
    "Ministry for Culture and Heritage": ["Ministry for Culture and Heritage", "Manatū Taonga", "mch.govt.nz"],
    "Ministry for Pacific Peoples": ["Ministry for Pacific Peoples", "mpp.govt.nz"],
    "Crown Law Office": ["Crown Law Office", "Te Tari Ture o te Karauna", "crownlaw.govt.nz"],
}

_NAMES = sorted(
    (
        (re.compile(rf"(?<!\w){re.escape(alias)}(?!\w)", re.I), name)
        for name, aliases in AGENCIES.items()
        for alias in aliases
    ),
    key=lambda entry: -len(entry[0].pattern),
)
MINISTER = re.compile(r"\bOffice of (?:the )?(?:Rt |Right )?Hon(?:ourable|\.)? (?:[A-Z][\w'’-]+ ?){1,4}")


LETTERHEAD_LINES = 8  # where a letter names its agency, when OCR has misspelt it


def agency_named(text: str) -> str | None:
    """The agency a letter's text names first (a letterhead comes first), or a Minister's office;
    failing those, an agency its letterhead names with a letter or two misread ("The Treasity")."""
    found = [(m.start(), name) for pattern, name in _NAMES if (m := pattern.search(text))]
    if minister := MINISTER.search(text):
        found.append((minister.start(), minister.group().strip()))
    if found:
        return min(found)[1]
    return _misread_in_letterhead(text.splitlines()[:LETTERHEAD_LINES])


def _misread_in_letterhead(lines: list[str]) -> str | None:
    """The one agency whose name (of 8 characters or more) a run of the lines' words spells with
    at most one edit in six characters."""
    near = set()
    for line in lines:
        words = line.split()
        for name, aliases in AGENCIES.items():
            for alias in (a for a in aliases if len(a) >= 8 and "." not in a):
                size = len(alias.split())
                runs = (" ".join(words[i : i + size]) for i in range(len(words) - size + 1))
                if any(Levenshtein.distance(alias.lower(), run.lower()) <= len(alias) // 6 for run in runs):
                    near.add(name)
    return near.pop() if len(near) == 1 else None
