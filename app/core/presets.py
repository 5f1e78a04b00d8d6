"""The tag set every new project starts with."""

# (name, colour, children); hotkeys 1-9 follow this order, children after their parent.
OIA_TAG_SET = [
    ("Redaction", "#1f2933", []),
    ("Risk", "#d64545", []),
    ("Workstream", "#2680c2", ["Supply chains", "Sustainment", "Co-production", "Policy and optimisation"]),
    ("Key quote", "#e8b30c", []),
    ("Follow up", "#3f9142", []),
]
CHILD_COLOURS = ["#47a3f3", "#186faf", "#5ed0fa", "#0b4f8a"]


def preset_rows() -> list[dict]:
    """The preset as rows in order: name, colour, hotkey, position and the parent's name."""
    rows = []
    for name, colour, children in OIA_TAG_SET:
        rows.append({"name": name, "colour": colour, "parent": None})
        rows += [{"name": child, "colour": CHILD_COLOURS[i], "parent": name} for i, child in enumerate(children)]
    for position, row in enumerate(rows):
        row["position"] = position
        row["hotkey"] = str(position + 1) if position < 9 else None
    return rows


# Keyword rules of the OIA preset: (tag full name, phrases, scope).
OIA_RULES = [
    (
        "Risk",
        ["risk", "risks", "reputational", "could undermine", "may undermine", "vulnerable", "vulnerability"],
        "sentence",
    ),
    ("Workstream: Supply chains", ["supply chain", "supply chains", "supply chain resilience"], "phrase"),
    ("Workstream: Sustainment", ["sustainment", "sustainment and repair", "repair"], "phrase"),
    ("Workstream: Co-production", ["co-production", "co-produce", "production"], "phrase"),
    ("Workstream: Policy and optimisation", ["policy and optimisation", "optimisation", "policy"], "phrase"),
]
