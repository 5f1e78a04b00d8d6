"""Response letters in several agencies' styles, with what each says: the generated set the
letter reader is measured on (tests/test_letters.py, bench/release.py later)."""

from datetime import date

from pdfs import text_pdf


def facts(agency, reference, received, answered, grounds, extension_days=None, extended_to=None, **rest) -> dict:
    """What a letter says; an extension by days or to a date is an extension."""
    extended = rest.pop("extended", extension_days is not None or extended_to is not None)
    return {
        "agency": agency,
        "reference": reference,
        "request_date": received,
        "response_date": answered,
        "grounds": grounds,
        "extension_days": extension_days,
        "extended_to": extended_to,
        "extended": extended,
        "transferred": rest.pop("transferred", False),
    }


# (letter text, expected facts)
LETTERS = [
    (
        """The Treasury
1 The Terrace, PO Box 3724, Wellington 6140, New Zealand
Reference: 20240123
12 April 2024
Jane Citizen
By email: jane@example.com
Dear Jane
Official Information Act request: wage subsidy scheme
Thank you for your email of 3 March 2024, which we received on 4 March 2024, requesting under
the Official Information Act 1982 (the OIA) all advice on the wage subsidy scheme.
On 28 March 2024 we wrote to you to extend the time limit for responding by 15 working days,
under section 15A of the OIA, because consultations were needed.
Some information is withheld under section 9(2)(a) of the OIA, to protect the privacy of
natural persons, and section 9(2)(f)(iv), to maintain the constitutional conventions which
protect the confidentiality of advice tendered by Ministers and officials.
You have the right to ask the Ombudsman to investigate and review my decision.
Yours sincerely
Sam Official, Manager, Ministerial Advice""",
        facts(
            "The Treasury",
            "20240123",
            date(2024, 3, 4),
            date(2024, 4, 12),
            ["9(2)(a)", "9(2)(f)(iv)"],
            extension_days=15,
        ),
    ),
    (
        """Hīkina Whakatutuki
Ministry of Business, Innovation and Employment
DOIA 2324-0567
Tēnā koe Alex
Thank you for your request made under the Official Information Act 1982 (the Act) on
18 December 2023, for copies of briefings on tourism recovery.
I am writing to advise that part of your request has been transferred to the Ministry for
the Environment under section 14 of the Act, as the information is more closely connected
with its functions.
The remaining information is released to you with some parts withheld under s9(2)(b)(ii)
and s 9(2)(g)(i) of the Act.
Nāku noa, nā
Policy Director
Date: 6 February 2024""",
        facts(
            "Ministry of Business, Innovation and Employment",
            "DOIA 2324-0567",
            date(2023, 12, 18),
            date(2024, 2, 6),
            ["9(2)(b)(ii)", "9(2)(g)(i)"],
            transferred=True,
        ),
    ),
    (
        """Ministry of Health
Manatū Hauora
133 Molesworth Street, Thorndon, Wellington
Our ref: H2024034567
20/06/2024
Kia ora Pat
Response to your request for official information
On 14 May 2024, you requested under the Official Information Act 1982 (the Act) the
following information: the Ministry's modelling of hospital demand.
The Ministry's decision was extended on 10 June 2024 to 20 June 2024 under section 15A of
the Act, as your request required consultation.
One document is withheld in full under section 9(2)(g)(i) of the Act.
Nāku iti noa, nā""",
        facts(
            "Ministry of Health",
            "H2024034567",
            date(2024, 5, 14),
            date(2024, 6, 20),
            ["9(2)(g)(i)"],
            extended_to=date(2024, 6, 20),
        ),
    ),
    (
        """Office of Hon Jane Smith
Minister of Finance
OIA-2024-0123
Dear Mr Brown
Thank you for your letter dated 2 September 2024 requesting, under the Official Information
Act 1982, the Minister's diary for August 2024.
The diary is released with the names of some individuals withheld under section 9(2)(a) of
the Act.
Yours sincerely
Hon Jane Smith
Minister of Finance
1 October 2024""",
        facts("Office of Hon Jane Smith", "OIA-2024-0123", date(2024, 9, 2), date(2024, 10, 1), ["9(2)(a)"]),
    ),
    (
        """NEW ZEALAND DEFENCE FORCE
HEADQUARTERS
Private Bag 39997, Wellington 6045
OIA-2024-4567
March 3, 2025
Dear Chris
I refer to your email of December 20, 2024 requesting, under the Official Information Act
1982 (OIA), reports on the frigate systems upgrade. Your request was received on
December 23, 2024.
The time limit for responding to your request was extended by twenty working days in
accordance with section 15A(1)(b) of the OIA.
Information is withheld under sections 6(a) and 6(b)(i) of the OIA.
Yours sincerely""",
        facts(
            "New Zealand Defence Force",
            "OIA-2024-4567",
            date(2024, 12, 23),
            date(2025, 3, 3),
            ["6(a)", "6(b)(i)"],
            extension_days=20,
        ),
    ),
    (
        """Te Tāhuhu o te Mātauranga | Ministry of Education
Ref: 2024/EDU/123
5 August 2024
Tēnā koe Morgan
Official Information Act request: school property
Thank you for your email of 8 July 2024 to the Ministry of Education requesting information
about school property under the Official Information Act 1982 (the Act).
Your request is refused under section 18(d) of the Act, as the information is publicly
available on our website.
Nāku noa, nā
Deputy Secretary""",
        facts("Ministry of Education", "2024/EDU/123", date(2024, 7, 8), date(2024, 8, 5), ["18(d)"]),
    ),
    # The first page of three real NZ Police letters (../shared/corpus/nz), as their text layers
    # give them, line for line; the requesters' names and addresses left out.
    (
        """Police National Headquarters
180 Molesworth Street. PO BOX 3017 Wellington 6140 New Zealand
Telephone: 04 474 9499. www.police.govt.nz
IR-01-23-34244
1 December 2023
[requester]
[email address]
Tēnā koe [requester]
Request for Information
Thank you for your Official Information Act 1982 (OIA) request of 26 October 2023, in
which you asked for the following:
The content of each chapter, or each part of each chapter for:
1. Alcohol and drug impaired driving
2. Expert evidence - drugs and gangs
3. Police drug and alcohol policy
With reference to the first Policy requested, this is now referred to as Impaired Driving
and is accessible here: https://www.police.govt.nz/sites/default/files/publications/phase-1-
impaired-driving-police-instructions-as-of-20-03-2023.pdf. Therefore your request has
been refused under s18(d) of the OIA as the information requested is publicly available.
Please find attached copies of the second and third Policies requested of which one has
been released in part, subject to s9(2)(g)(ii) of the OIA, to maintain the effective conduct of
public affairs through the protection of employees from improper pressure or harassment.""",
        facts("New Zealand Police", "IR-01-23-34244", date(2023, 10, 26), date(2023, 12, 1), ["18(d)", "9(2)(g)(ii)"]),
    ),
    (
        """Police National Headquarters
180 Molesworth Street. PO Box 3017, Wellington 6140, New Zealand.
Telephone: 04 474 9499. Fax: 04 498 7400. www.police.govt.nz
IR-01-22-20909

15 September 2022



[requester]
[email address]

Tēnā koe [requester]
Request for information
Thank you for your Official Information Act 1982 (OIA) request dated 18 July 2022. You
asked:
I would like to make a request for copies of the following Police Manual chapters:
1) Armed Offenders Squad Manual
2) Special Tactics Group Manual
The above chapters are included with this response. Some information has been withheld
under section 6(c) of the OIA which states: ‘the making available of that information would
be likely to prejudice the maintenance of the law, including the prevention, investigation,
and detection of offences.’
3) Counter Terrorism Manual
This chapter of Police Instructions is withheld in its entirety under section 6(c) of the OIA
and section 6(a) which states: ‘the making available of that information would be likely to
prejudice the security or defence of New Zealand.’""",
        facts("New Zealand Police", "IR-01-22-20909", date(2022, 7, 18), date(2022, 9, 15), ["6(c)", "6(a)"]),
    ),
    (
        """Police National Headquarters
180 Molesworth Street. PO Box 3017, Wellington 6140, New Zealand.
Telephone: 04 474 9499. Fax: 04 498 7400. www.police.govt.nz
17 June 2020
Dear [requester]
REQUEST FOR INFORMATION – OUR REFERENCE: 01-20-12379
Thank you for your email request dated 11 May 2020 in which you requested:
1. Protocols or other agreements with telecommunication companies about
the exercise of search powers (including production orders, intercepts, etc),
including any updated versions of the documents supplied in response to
the OIA request here: https://fyi.org.nz/request/1069-telecom-inquiries-
and-vodafone-protocol-police-manual-chapters#incoming-7303
I have considered your request in accordance with the Official Information Act
1982.
Some documents are refused under section 18(e) of the OIA, as they do not exist, and
others under section 18(d), as they are publicly available.""",
        facts("New Zealand Police", "01-20-12379", date(2020, 5, 11), date(2020, 6, 17), ["18(e)", "18(d)"]),
    ),
    # Four more styles: a department that transfers part of a request, a response sent after a
    # second extension, a Crown entity's one-line letter, a ministry that cites grounds in a list.
    (
        """Te Tari Taiwhenua | Department of Internal Affairs
45 Pipitea Street, Wellington 6011
Our reference: OIA2425-0456
22 November 2024
Tēnā koe Robin
Thank you for your request of 25 October 2024 under the Official Information Act 1982 (the Act)
for information about passport processing times.
Part of your request, about visa processing, has been transferred to the Ministry of Business,
Innovation and Employment under section 14(b)(ii) of the Act, as the information is more
closely connected with its functions.
We have released the remaining information, with staff names withheld under section 9(2)(a)
of the Act.
Ngā mihi
Manager, Ministerial and Executive Services""",
        facts(
            "Department of Internal Affairs",
            "OIA2425-0456",
            date(2024, 10, 25),
            date(2024, 11, 22),
            ["9(2)(a)"],
            transferred=True,
        ),
    ),
    (
        """Ministry for Primary Industries
Manatū Ahu Matua
Charles Fergusson Building, 34-38 Bowen Street, Wellington
OIA24-0789
Dear Sam
We refer to your request of 2 February 2024 for the Ministry's advice on fishing quota.
On 1 March 2024 we extended the time for responding to your request by 20 working days under
section 15A of the Official Information Act 1982 (the OIA), because the request is for a large
quantity of information.
The information is released to you with some withheld under section 9(2)(b)(ii), as its
release would likely unreasonably prejudice the commercial position of the person who supplied
it, and section 9(2)(ba)(i) of the OIA.
Date: 26 April 2024
Yours sincerely
Director, Fisheries Management""",
        facts(
            "Ministry for Primary Industries",
            "OIA24-0789",
            date(2024, 2, 2),
            date(2024, 4, 26),
            ["9(2)(b)(ii)", "9(2)(ba)(i)"],
            extension_days=20,
        ),
    ),
    (
        """Kāinga Ora – Homes and Communities
PO Box 2628, Wellington 6140
Ref: OIA-2025-0042
14 February 2025
Kia ora Jordan
We received your Official Information Act 1982 request on 20 January 2025 for the
maintenance schedule of the Epuni Street development. It is released in full.
Ngā mihi nui""",
        facts("Kāinga Ora", "OIA-2025-0042", date(2025, 1, 20), date(2025, 2, 14), []),
    ),
    (
        """Ministry of Transport | Te Manatū Waka
File ref: OC240517
9 July 2024
Dear Kim
Request for information under the Official Information Act 1982
On 29 May 2024 you asked for the Ministry's briefings on road user charges. I have decided
to release the documents listed in the attached schedule. Some information is withheld under
the following sections of the Act:
- section 9(2)(f)(iv), to maintain the confidentiality of advice tendered by Ministers and officials;
- section 9(2)(g)(i), to maintain the free and frank expression of opinions.
You have the right to seek an investigation and review of my decision by the Ombudsman.
Yours sincerely
Manager, Ministerial Services""",
        facts("Ministry of Transport", "OC240517", date(2024, 5, 29), date(2024, 7, 9), ["9(2)(f)(iv)", "9(2)(g)(i)"]),
    ),
]


def letter_pdf(letter: str) -> bytes:
    """A release: the letter on page 1 (its lines as printed, at 10 pt so the longest fits the
    page) and one released document after it."""
    lines = [(56, 60 + 13 * i, line) for i, line in enumerate(letter.splitlines())]
    document = [(56, 72, "Briefing: Wage subsidy scheme design"), (56, 100, "Purpose: to seek your decisions.")]
    return text_pdf([lines, document], size=10)
