"""What each withholding ground means, by regime. Meanings are short paraphrases of the
statutes for a reader; the statute itself is the authority."""

NZ_OIA = "Official Information Act 1982 (NZ)"
LGOIMA = "Local Government Official Information and Meetings Act 1987 (NZ)"
US_FOIA = "Freedom of Information Act, 5 U.S.C. § 552(b) (US)"
UK_FOIA = "Freedom of Information Act 2000 (UK)"
AU_FOI = "Freedom of Information Act 1982 (Australia)"

SECTION_TITLES = {
    (NZ_OIA, "6"): "s 6, Conclusive reasons for withholding official information",
    (NZ_OIA, "7"): "s 7, Special reasons relating to the Cook Islands, Niue, Tokelau, and the Ross Dependency",
    (NZ_OIA, "9"): "s 9, Other reasons for withholding official information",
    (NZ_OIA, "18"): "s 18, Refusal of requests",
    (LGOIMA, "6"): "s 6, Conclusive reasons for withholding official information",
    (LGOIMA, "7"): "s 7, Other reasons for withholding official information",
    (LGOIMA, "17"): "s 17, Refusal of requests",
    (US_FOIA, "b"): "5 U.S.C. § 552(b), Exemptions",
}

MEANINGS = {
    NZ_OIA: {
        "6(a)": "would prejudice the security or defence of New Zealand or its international relations",
        "6(b)": "would prejudice information entrusted in confidence by another government or an international organisation",
        "6(c)": "would prejudice the maintenance of the law, including investigating offences and the right to a fair trial",
        "6(d)": "would endanger the safety of any person",
        "6(e)": "would seriously damage the economy by disclosing economic or financial policy decisions prematurely",
        "7(a)": "would prejudice the security or defence of the Cook Islands, Niue, Tokelau or the Ross Dependency",
        "7(b)": "would prejudice relations between the governments of New Zealand and the Cook Islands or Niue",
        "7(c)": "would prejudice the international relations of the Cook Islands or Niue",
        "9(2)(a)": "to protect the privacy of natural persons, including deceased people",
        "9(2)(b)": "to protect trade secrets or the commercial position of whoever supplied or is the subject of the information",
        "9(2)(b)(i)": "would disclose a trade secret",
        "9(2)(b)(ii)": "would be likely unreasonably to prejudice the commercial position of the supplier or subject",
        "9(2)(ba)": "to protect information supplied in confidence",
        "9(2)(ba)(i)": "information given in confidence, where release would prejudice the supply of similar information",
        "9(2)(ba)(ii)": "information given in confidence, where release would otherwise damage the public interest",
        "9(2)(c)": "to avoid prejudice to measures protecting the health or safety of the public",
        "9(2)(d)": "to avoid prejudice to the substantial economic interests of New Zealand",
        "9(2)(e)": "to avoid prejudice to measures that prevent or mitigate material loss to the public",
        "9(2)(f)": "to maintain constitutional conventions",
        "9(2)(f)(i)": "constitutional conventions: confidentiality of communications with the Sovereign or her representative",
        "9(2)(f)(ii)": "constitutional conventions: collective and individual ministerial responsibility",
        "9(2)(f)(iii)": "constitutional conventions: the political neutrality of officials",
        "9(2)(f)(iv)": "constitutional conventions: confidentiality of advice tendered by Ministers and officials",
        "9(2)(g)": "to maintain the effective conduct of public affairs",
        "9(2)(g)(i)": "free and frank expression of opinions by or between or to Ministers and officials",
        "9(2)(g)(ii)": "protection of Ministers and officials from improper pressure or harassment",
        "9(2)(h)": "to maintain legal professional privilege",
        "9(2)(i)": "to let a Minister or agency carry out commercial activities without prejudice or disadvantage",
        "9(2)(j)": "to let a Minister or agency carry on negotiations without prejudice or disadvantage",
        "9(2)(k)": "to prevent the disclosure or use of official information for improper gain or advantage",
        "18(a)": "refused for a reason in section 6, 7 or 9",
        "18(b)": "refused under section 10: the agency neither confirms nor denies the information exists",
        "18(c)": "release would be contrary to an enactment or be contempt of Court or of the House",
        "18(c)(i)": "release would be contrary to the provisions of a specified enactment",
        "18(c)(ii)": "release would constitute contempt of Court or of the House of Representatives",
        "18(d)": "the information is or will soon be publicly available",
        "18(da)": "the request is by a defendant about criminal proceedings and can be dealt with under other law",
        "18(e)": "the document does not exist or cannot be found",
        "18(f)": "the information cannot be made available without substantial collation or research",
        "18(g)": "the information is not held by the agency and is not believed to be held by another",
        "18(h)": "the request is frivolous or vexatious, or the information requested is trivial",
    },
    LGOIMA: {
        "6(a)": "would prejudice the maintenance of the law",
        "6(b)": "would endanger the safety of any person",
        "7(2)(a)": "to protect the privacy of natural persons",
        "7(2)(b)": "to protect trade secrets or commercial positions",
        "7(2)(b)(i)": "would disclose a trade secret",
        "7(2)(b)(ii)": "would be likely unreasonably to prejudice the commercial position of the supplier or subject",
        "7(2)(ba)": "to protect information supplied in confidence",
        "7(2)(c)": "to protect information subject to an obligation of confidence",
        "7(2)(c)(i)": "would be likely to prejudice the supply of similar information, or of information from the same source",
        "7(2)(c)(ii)": "would be likely otherwise to damage the public interest",
        "7(2)(d)": "to avoid prejudice to measures protecting the health or safety of the public",
        "7(2)(e)": "to avoid prejudice to measures that prevent or mitigate material loss to the public",
        "7(2)(f)": "to maintain the effective conduct of public affairs",
        "7(2)(f)(i)": "through the free and frank expression of opinions",
        "7(2)(f)(ii)": "through protecting members, officers and employees from improper pressure or harassment",
        "7(2)(g)": "to maintain legal professional privilege",
        "7(2)(h)": "to let the local authority carry out commercial activities without prejudice",
        "7(2)(i)": "to let the local authority carry on negotiations without prejudice",
        "7(2)(j)": "to prevent the disclosure or use of official information for improper gain or advantage",
        "17(a)": "refused for a reason in section 6 or 7",
        "17(d)": "the information is or will soon be publicly available",
        "17(e)": "the document does not exist or cannot be found",
        "17(f)": "the information cannot be made available without substantial collation or research",
        "17(g)": "the information is not held by the local authority",
        "17(h)": "the request is frivolous or vexatious, or the information requested is trivial",
    },
    US_FOIA: {
        "(b)(1)": "classified national defense or foreign policy information",
        "(b)(2)": "internal personnel rules and practices of an agency",
        "(b)(3)": "information exempted from release by another statute",
        "(b)(4)": "trade secrets and confidential commercial or financial information",
        "(b)(5)": "privileged inter-agency or intra-agency memoranda (deliberative process, attorney work)",
        "(b)(6)": "personnel and medical files: a clearly unwarranted invasion of personal privacy",
        "(b)(7)": "records compiled for law enforcement purposes",
        "(b)(7)(A)": "law enforcement: could interfere with enforcement proceedings",
        "(b)(7)(B)": "law enforcement: would deprive a person of a fair trial",
        "(b)(7)(C)": "law enforcement: an unwarranted invasion of personal privacy",
        "(b)(7)(D)": "law enforcement: could disclose a confidential source",
        "(b)(7)(E)": "law enforcement: would disclose techniques, procedures or guidelines",
        "(b)(7)(F)": "law enforcement: could endanger someone's life or physical safety",
        "(b)(8)": "reports about the supervision of financial institutions",
        "(b)(9)": "geological and geophysical information about wells",
    },
    UK_FOIA: {
        "21": "information reasonably accessible by other means",
        "22": "information intended for future publication",
        "22A": "research intended for future publication",
        "23": "information supplied by or about security bodies",
        "24": "national security",
        "26": "defence",
        "27": "international relations",
        "28": "relations within the United Kingdom",
        "29": "the economy",
        "30": "investigations and proceedings by public authorities",
        "31": "law enforcement",
        "32": "court records",
        "33": "audit functions",
        "34": "parliamentary privilege",
        "35": "formulation of government policy",
        "36": "prejudice to the effective conduct of public affairs",
        "37": "communications with the Royal Family and honours",
        "38": "health and safety",
        "39": "environmental information",
        "40": "personal information",
        "41": "information provided in confidence",
        "42": "legal professional privilege",
        "43": "commercial interests",
        "44": "prohibitions on disclosure",
    },
    AU_FOI: {
        "33": "documents affecting national security, defence or international relations",
        "34": "Cabinet documents",
        "37": "documents affecting law enforcement and public safety",
        "38": "documents to which secrecy provisions apply",
        "42": "documents subject to legal professional privilege",
        "45": "material obtained in confidence",
        "45A": "Parliamentary Budget Office documents",
        "46": "documents whose release would be contempt of Parliament or of court",
        "47": "trade secrets or commercially valuable information",
        "47A": "electoral rolls and related documents",
        "47B": "Commonwealth-State relations",
        "47C": "deliberative processes",
        "47D": "financial or property interests of the Commonwealth",
        "47E": "certain operations of agencies",
        "47F": "personal privacy",
        "47G": "business information",
        "47H": "research",
        "47J": "the economy",
    },
}


def catalogue_grounds(regime: str) -> list[str]:
    """Every ground the catalogue knows for a regime."""
    return list(MEANINGS.get(regime, {}))


def meaning(regime: str, ground: str) -> str:
    """The plain-English meaning of a ground, falling back to its parent paragraph or section."""
    table = MEANINGS.get(regime, {})
    key = ground
    while key:
        if key in table:
            return table[key]
        key = key[: key.rfind("(")] if "(" in key else ""
    return "a withholding ground not in the catalogue"


def statute(regime: str, ground: str) -> str:
    """The Act and, where known, the section title: 'Official Information Act 1982 (NZ), s 9, Other reasons ...'."""
    section = "b" if ground.startswith("(b)") else ground.split("(")[0]
    title = SECTION_TITLES.get((regime, section))
    return f"{regime}, {title}" if title else f"{regime}, section {section}"
