"""The words a PMO types that the search page reads as more than words: status and phase
words, filler words, and the words of amounts.

One table per site language, emitted into the index (``meta.json``, key ``vocabulary``) and
read by the browser, so a translation replaces the words here and nothing in the JavaScript.
The phrases below are English; every site keeps them (an English word typed into a Georgian
site's box still names its filter) and adds each value's label where the site's words differ
from the English source, from its catalog or its own ``labels`` in site.yaml, as one more
phrase ("წითელი" is the red status, "at risk" an amber one when site.yaml calls it so); the
names and labels the search page shows for a filter applied from the query are the site's.

- ``FACET_WORDS``: phrases (one to three words, as typed) that name a filter value; a phrase
  under two values names either ("completed": the closure phase or the done state). A query
  made of such phrases and a few other words applies the filter ("amber infrastructure" is
  the amber projects about infrastructure), and every record with the value scores as if the
  phrase were one of its tags. Ambiguous everyday words ("design", "delivery", "control")
  are left out on purpose: a phrase here narrows the results, so it must mean the value.
- ``FILLERS``: words that never have to be found ("projects in closure"): a result without
  them is not a worse result.
- ``SCALES``: the words of an amount ("2.75 million", "750k").
"""

from __future__ import annotations

from itpm_site.model import i18n
from itpm_site.model.i18n import N_
from itpm_site.model.vocab import PHASE_INFO, Phase, State, Status
from itpm_site.outputs.search_index import words

#: (facet, value) -> the phrases that name it. Facets are those of the records table
#: (``search.FACETS``); ``state`` and ``overdue`` have no checkbox on the search page.
FACET_WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("status", Status.RED.value): ("red", "off track", "off-track", "offtrack"),
    ("status", Status.AMBER.value): ("amber", "at risk", "at-risk", "yellow"),
    ("status", Status.GREEN.value): ("green", "on track", "on-track", "ontrack"),
    ("phase", Phase.INITIATION.value): ("initiation", "initiating", "inception", "feasibility"),
    ("phase", Phase.PLANNING.value): ("planning",),
    ("phase", Phase.IMPLEMENTATION.value): ("implementation", "execution", "executing", "in flight"),
    ("phase", Phase.MONITORING.value): (
        "monitoring",
        "monitoring and control",
        "monitoring and controlling",
        "monitoring & control",
    ),
    # "Completed", "closed" or "done" may be written as the closure phase or as the done
    # state: a phrase naming both finds either.
    ("phase", Phase.CLOSURE.value): (
        "closure",
        "closing",
        "closeout",
        "close-out",
        "close out",
        "closed",
        "completed",
        "finished",
        "done",
    ),
    ("state", State.ON_HOLD.value): ("on hold", "on-hold", "paused", "suspended"),
    ("state", State.CANCELLED.value): ("cancelled", "canceled"),
    ("state", State.DONE.value): ("done", "completed", "finished", "closed"),
    ("high_risk", "yes"): (
        "high risk",
        "high risks",
        "high-risk",
        "critical risk",
        "critical risks",
        "high or critical risk",
        "high or critical risks",
    ),
    ("overdue", "yes"): ("overdue", "overdue milestone", "overdue milestones", "late milestones"),
}

#: How a filter applied from the query is named on the search page: facet -> its name, and
#: (facet, value) -> the value's label.
FACET_NAMES = {
    "status": N_("Status"),
    "phase": N_("Phase"),
    "state": N_("State"),
    "high_risk": N_("Risk"),
    "overdue": N_("Milestones"),
}
#: In the source language, translated for the site (``vocabulary``).
VALUE_LABELS: dict[tuple[str, str], str] = {
    **{("status", s.value): s.source_label for s in Status},
    **{("phase", p.value): PHASE_INFO[p].source_label for p in Phase},
    **{("state", s.value): s.source_label for s in (State.ON_HOLD, State.CANCELLED, State.DONE)},
    ("high_risk", "yes"): N_("open high or critical risk"),
    ("overdue", "yes"): N_("overdue"),
}
#: The values whose label, in a site's language other than English, names them in a query
#: too: the label is the word a reader of the pages knows ("წითელი" for red).
LABELLED_FACETS = ("status", "phase", "state", "overdue")

#: Words a result need not have: what a query is about ("projects", "programme") and the
#: small words around it. They still count where a record has them.
FILLERS = (
    "project",
    "projects",
    "programme",
    "programmes",
    "program",
    "programs",
    "initiative",
    "initiatives",
    "all",
    "any",
    "show",
    "list",
    "find",
    "me",
    "which",
    "what",
    "are",
    "is",
    "with",
    "in",
    "of",
    "the",
    "a",
    "an",
    "and",
    "or",
    "for",
    "to",
    "on",
    "our",
    "that",
    "status",
    "phase",
    "state",
)

#: The words after a number that scale it: 2.75 million, 750k, 1.2bn.
SCALES = {
    "k": 1_000,
    "thousand": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "mio": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}

#: The messages of the search page that name what the query did.
MESSAGES = {
    "applied": "{filters}: {count} — remove filter",
    "remove": "remove filter",
    "missing": "missing: {words}",
}


def vocabulary(language: str) -> dict[str, object]:
    """The table for ``language``, as ``meta.json`` carries it: phrases by their folded
    words (``"at risk"``), each with its facet and value."""
    # The site's catalog, with the labels its site.yaml sets, when it is the one in use.
    words_of = i18n.catalog() if i18n.language() == language else i18n.translations(language)
    written_in = dict(FACET_WORDS)
    for (facet, value), label in VALUE_LABELS.items():
        shown = words_of.gettext(label)
        if facet in LABELLED_FACETS and shown != label:
            written_in[facet, value] = (*written_in.get((facet, value), ()), shown)
    phrases: dict[str, list[list[str]]] = {}
    for (facet, value), written in written_in.items():
        for phrase in written:
            key = " ".join(words(phrase))
            targets = phrases.setdefault(key, [])
            if [facet, value] not in targets:
                targets.append([facet, value])
    messages = dict(MESSAGES)
    if language != i18n.SOURCE:
        messages["remove"] = words_of.gettext(MESSAGES["remove"])
    return {
        "facets": dict(sorted(phrases.items())),
        "facet_names": {facet: words_of.gettext(name) for facet, name in FACET_NAMES.items()},
        "labels": {
            f"{facet}={value}": words_of.gettext(label)
            for (facet, value), label in sorted(VALUE_LABELS.items())
        },
        "fillers": sorted(FILLERS),
        "scales": SCALES,
        "messages": messages,
    }
