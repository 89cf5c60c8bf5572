"""The words a PMO types that the search page reads as more than words: status and phase
words, filler words, and the words of amounts.

One table per site language, emitted into the index (``meta.json``, key ``vocabulary``) and
read by the browser, so a translation replaces the words here and nothing in the JavaScript.
The phrases are catalog messages (``written_words``, ``filler_words``: context "search
words"), English in the source; every site keeps the English (an English word typed into a
Georgian site's box still names its filter) and adds its catalog's words and each value's
label where the site's words differ from the English source, from its catalog or its own
``labels`` in site.yaml ("წითელი" is the red status, "at risk" an amber one when site.yaml
calls it so); the names and labels the search page shows for a filter applied from the query
are the site's. A site language without a stemmer also gets ``forms`` (``word_forms``), so
the search page reads a declined filter word as the word ("დახურვის ფაზაში": closure).

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

import gettext as _gettext
from collections.abc import Iterable

from itpm_site.model import i18n
from itpm_site.model.i18n import N_
from itpm_site.model.vocab import PHASE_INFO, Phase, State, Status
from itpm_site.outputs.search_index import stemmer, words

#: (facet, value) -> the phrases that name it, in English (``written_words`` below). Facets
#: are those of the records table (``search.FACETS``); ``state`` and ``overdue`` have no
#: checkbox on the search page.
FACET_WORDS: dict[tuple[str, str], tuple[str, ...]]

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
#: small words around it. They still count where a record has them. In English, as for
#: ``FACET_WORDS``.
FILLERS: tuple[str, ...]

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
    fillers = set(FILLERS)
    own: set[str] = set()  # the site language's own words, beside the English
    if language != i18n.SOURCE:
        # The words a PMO of the site's language types, from its catalog.
        for target, written in written_words(words_of).items():
            written_in[target] = (*written_in.get(target, ()), *written)
            own.update(w for phrase in written for w in words(phrase))
        for filler in filler_words(words_of):
            fillers.update(words(filler))
            own.update(words(filler))
    for (facet, value), label in VALUE_LABELS.items():
        shown = words_of.gettext(label)
        if facet in LABELLED_FACETS and shown != label:
            written_in[facet, value] = (*written_in.get((facet, value), ()), shown)
            own.update(words(shown))
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
    table: dict[str, object] = {
        "facets": dict(sorted(phrases.items())),
        "facet_names": {facet: words_of.gettext(name) for facet, name in FACET_NAMES.items()},
        "labels": {
            f"{facet}={value}": words_of.gettext(label)
            for (facet, value), label in sorted(VALUE_LABELS.items())
        },
        "fillers": sorted(fillers),
        "scales": SCALES,
        "messages": messages,
    }
    if stemmer(language) is None and own:
        english = {w for p in (*FILLERS, *(p for ps in FACET_WORDS.values() for p in ps)) for w in words(p)}
        table["forms"] = word_forms(language, own - english)
    return table


# Search words are catalog messages of the context "search words": one message per filter
# value, its phrases separated by commas. A translation lists the words a PMO types in its
# language (synonyms and common forms included); the English ones are kept on every site.


def written_words(catalog: _gettext.NullTranslations) -> dict[tuple[str, str], tuple[str, ...]]:
    """The phrases that name each filter value in ``catalog``'s language."""
    t = catalog
    table = {
        ("status", Status.RED.value): t.pgettext("search words", "red, off track, off-track, offtrack"),
        ("status", Status.AMBER.value): t.pgettext("search words", "amber, at risk, at-risk, yellow"),
        ("status", Status.GREEN.value): t.pgettext("search words", "green, on track, on-track, ontrack"),
        ("phase", Phase.INITIATION.value): t.pgettext(
            "search words", "initiation, initiating, inception, feasibility"
        ),
        ("phase", Phase.PLANNING.value): t.pgettext("search words", "planning"),
        ("phase", Phase.IMPLEMENTATION.value): t.pgettext(
            "search words", "implementation, execution, executing, in flight"
        ),
        ("phase", Phase.MONITORING.value): t.pgettext(
            "search words",
            "monitoring, monitoring and control, monitoring and controlling, monitoring & control",
        ),
        # "Completed", "closed" or "done" may be written as the closure phase or as the done
        # state: a phrase naming both finds either.
        ("phase", Phase.CLOSURE.value): t.pgettext(
            "search words",
            "closure, closing, closeout, close-out, close out, closed, completed, finished, done",
        ),
        ("state", State.ON_HOLD.value): t.pgettext("search words", "on hold, on-hold, paused, suspended"),
        ("state", State.CANCELLED.value): t.pgettext("search words", "cancelled, canceled"),
        ("state", State.DONE.value): t.pgettext("search words", "done, completed, finished, closed"),
        ("high_risk", "yes"): t.pgettext(
            "search words",
            "high risk, high risks, high-risk, critical risk, critical risks, "
            "high or critical risk, high or critical risks",
        ),
        ("overdue", "yes"): t.pgettext(
            "search words", "overdue, overdue milestone, overdue milestones, late milestones"
        ),
    }
    return {key: _phrases(text) for key, text in table.items()}


def filler_words(catalog: _gettext.NullTranslations) -> tuple[str, ...]:
    """The fillers in ``catalog``'s language."""
    return _phrases(
        catalog.pgettext(
            "search words",
            "project, projects, programme, programmes, program, programs, initiative, initiatives, "
            "all, any, show, list, find, me, which, what, are, is, with, in, of, the, a, an, and, "
            "or, for, to, on, our, that, status, phase, state",
        )
    )


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split(",") if phrase.strip())


#: The letters a word of a language without a stemmer may end in and lose when it is declined
#: (Georgian: წითელი, წითელ პროექტებს; დახურვა, დახურვის ფაზაში).
DECLINED_ENDINGS = {"ka": "აეიოუ"}
#: A declined form adds at most this many letters to the word's form stem (ებში).
FORM_LETTERS = 4


def word_forms(language: str, own: Iterable[str]) -> dict[str, str]:
    """For a site language without a stemmer: the beginning every form of one of its filter
    or filler words shares (a last vowel dropped) -> the word. The search page reads a query
    word that begins with one, by at most ``FORM_LETTERS`` more letters, as that word:
    ``დახურვის`` is ``დახურვა`` (closure). A beginning two words share is left out."""
    endings = DECLINED_ENDINGS.get(language, "")
    out: dict[str, str] = {}
    shared: set[str] = set()
    for word in sorted(own):
        if len(word) < 4:
            continue  # short words are as written only
        stem = word[:-1] if word[-1] in endings else word
        if stem in out and out[stem] != word:
            shared.add(stem)
        out.setdefault(stem, word)
    # A word without such a last letter is read as written.
    return {stem: word for stem, word in sorted(out.items()) if stem not in shared and stem != word}


FACET_WORDS = written_words(i18n.translations(i18n.SOURCE))
FILLERS = filler_words(i18n.translations(i18n.SOURCE))
