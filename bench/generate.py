"""Synthetic knowledge bases shaped like `examples/kb`, for benchmarking kblint (a script).

    .venv/bin/python bench/generate.py OUT_DIR --articles 20000 [--seed 0]

`generate(root, n, seed)` writes `n` articles under `content/docs/knowledge-base/<category>/`
(12 categories, one `index.mdx` each, about 4 % plain `.md`), the registries under `data/`
(entities: one per article plus about 20 % without an article; about 3 resources per article;
citation statistics for about 30 % of the pages; an edit log of about n/5 entries) and a
`kblint.yaml` with `git_dates: false`.

Every article is composed at random from the constructs of the example KB and of
`spec/mdx-constructs.md`: 10-20 frontmatter keys, an import line, `<DataInfoBox>`, `## Overview`,
prose, h2-h4 sections, GFM tables (bold cells, links, `<EntityLink>`/`<R>` in cells, an escaped
`\\|`), multi-line `<Mermaid>` charts, `<Aside>` containers, `<KeyQuestions>`, fenced code,
numeric footnotes with definitions and `[^rc-…]` labels without, lists, internal links to pages
that exist and external links (some to registry URLs written with or without `www.` and the
trailing slash, which kblint reports as unconverted links). Every id an article uses exists in
the registries, so a finding of severity `error` on a generated KB points at a bug.

Prose is sentences from a small grammar over about 870 hand-written AI-safety words and their
derived forms (about 5,300 lemmas; Zipf-weighted with a different ranking per category, so pages
of a category resemble each other the way real pages of a section do), with page-specific focus
words, names and terms; about 2 % of the articles are edited copies of another article of their
category (near-duplicates). Articles average about 21 KB (5-60 KB). The output depends only on
`n` and `seed`, not on the number of processes (`jobs`). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import multiprocessing as mp
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

# --------------------------------------------------------------------------- vocabulary


def _words(text: str) -> list[str]:
    return text.split()


NOUNS = _words(
    """
alignment objective optimizer model system agent policy reward gradient network parameter
weight activation feature circuit neuron layer representation probe classifier benchmark
evaluation dataset distribution shift generalization capability behaviour goal preference value
incentive oversight monitor auditor protocol safeguard threshold deployment release developer
laboratory company government regulator regulation legislation framework standard commitment
agreement treaty coalition consortium institute researcher engineer evaluator forecaster
forecast estimate probability uncertainty scenario trajectory timeline takeoff transition threat
hazard failure accident incident misuse attack adversary jailbreak vulnerability exploit
backdoor trigger sabotage deception manipulation persuasion sycophancy hallucination
confabulation interpretability transparency explanation mechanism abstraction ontology
specification proxy metric signal feedback annotation label comparison critique debate
amplification distillation decomposition supervision verification validation certification
audit assessment review disclosure report survey study experiment trial replication result
finding argument claim assumption premise hypothesis theory intuition analogy framing concept
definition taxonomy category boundary frontier scaling compute budget cluster chip datacenter
semiconductor market investment revenue valuation grant donor program project initiative agenda
roadmap strategy priority tradeoff cost benefit externality race competition cooperation
coordination governance accountability liability enforcement compliance inspection licensing
registry moratorium restriction control containment sandbox environment simulation episode
horizon planner search heuristic algorithm architecture transformer attention embedding token
context prompt completion response output input query instruction constitution principle
guideline norm culture pressure selection optimization fitness emergence phase discontinuity
trend curve regime population society economy labour automation inequality concentration
influence lobbying election democracy surveillance privacy security weapon pathogen biosecurity
uplift expertise knowledge skill competence autonomy agency awareness introspection memory tool
scaffold interface operator customer stakeholder community forum conference workshop paper
preprint chapter lecture interview testimony hearing committee parliament ministry office
council summit declaration statement letter petition campaign movement organisation nonprofit
startup fellowship career group division department board trust charter mission reputation
credibility legitimacy consensus disagreement crux controversy criticism objection rebuttal
counterargument caveat limitation weakness strength advantage drawback catastrophe extinction
collapse disruption recovery resilience robustness reliability stability safety harm damage
welfare consciousness sentience interval baseline ablation intervention steering dictionary
sparsity superposition polysemanticity attribution saliency gradient descent loss function
curriculum pretraining finetuning distribution overseer critic judge verifier reviewer
watermark provenance fingerprint disclosure incident registry audit trail
"""
)

ADJECTIVES = _words(
    """
deceptive misaligned aligned robust brittle adversarial empirical theoretical conceptual
technical institutional strategic operational catastrophic existential systemic structural
emergent latent internal external explicit implicit opaque transparent interpretable general
narrow specialised autonomous agentic capable frontier advanced powerful large small open
closed proprietary public private voluntary mandatory binding international national regional
domestic federal independent external third-party rigorous preliminary tentative careful
detailed comprehensive partial incomplete limited significant substantial modest marginal
dramatic gradual sudden rapid slow incremental discontinuous continuous persistent temporary
stable unstable reliable unreliable consistent inconsistent coherent plausible implausible
speculative credible contested controversial uncertain ambiguous concrete abstract practical
formal informal quantitative qualitative statistical causal correlational behavioural
mechanistic representational computational economic political social legal ethical moral
normative descriptive predictive diagnostic scalable costly expensive cheap efficient
inefficient effective ineffective novel standard conventional unusual common rare widespread
isolated recurring repeated sequential parallel distributed centralised decentralised
hierarchical cooperative competitive hostile benign harmful dangerous safe unsafe risky secure
insecure fragile resilient honest dishonest truthful sycophantic manipulative persuasive
situational contextual hidden covert overt visible observable measurable testable verifiable
falsifiable unfalsifiable long-term short-term near-term medium-term long-horizon multi-step
high-stakes low-stakes well-documented poorly-understood underexplored neglected tractable
intractable important central peripheral fundamental secondary primary upstream downstream
early late initial final recent historical current future hypothetical counterfactual
realistic idealised simplified naive sophisticated
"""
)

ADJ_UNCERTAIN = _words("unclear contested uncertain disputed unresolved open debated")

VERBS = _words(
    """
produce generate reveal suggest indicate demonstrate imply require reduce increase amplify
undermine erode strengthen weaken detect prevent mitigate address target measure estimate
predict forecast explain describe capture miss ignore overlook exploit manipulate evade resist
survive generalize transfer learn acquire develop pursue optimize maximize minimize constrain
limit restrict govern regulate enforce audit verify validate certify evaluate assess test probe
monitor oversee supervise train deploy release publish disclose report document track compare
contrast combine integrate replace extend refine revise update challenge question dispute
support favour oppose endorse adopt reject accept shape influence determine drive cause trigger
enable allow permit block delay accelerate fund finance coordinate negotiate propose recommend
implement formalize simulate outperform underperform conceal signal encode represent compute
approximate bound guarantee ensure secure protect harden patch circumvent elicit extract recover
reconstruct identify locate isolate ablate steer edit inspect interpret attribute decompose
scale compress distill expose complicate clarify reframe motivate justify weigh anticipate
"""
)

IRREGULAR = {  # verb: (third person, past, gerund)
    "show": ("shows", "showed", "showing"),
    "hide": ("hides", "hid", "hiding"),
    "break": ("breaks", "broke", "breaking"),
    "find": ("finds", "found", "finding"),
    "build": ("builds", "built", "building"),
    "lead": ("leads", "led", "leading"),
    "hold": ("holds", "held", "holding"),
    "make": ("makes", "made", "making"),
    "take": ("takes", "took", "taking"),
    "give": ("gives", "gave", "giving"),
    "see": ("sees", "saw", "seeing"),
    "run": ("runs", "ran", "running"),
    "set": ("sets", "set", "setting"),
    "cut": ("cuts", "cut", "cutting"),
    "stop": ("stops", "stopped", "stopping"),
    "plan": ("plans", "planned", "planning"),
    "submit": ("submits", "submitted", "submitting"),
    "overlook": ("overlooks", "overlooked", "overlooking"),
    "drive": ("drives", "drove", "driving"),
}
VERBS += list(IRREGULAR)

ADVERBS = _words(
    """
often sometimes rarely usually typically generally largely partly mostly reliably consistently
systematically substantially significantly modestly sharply gradually rapidly quickly slowly
steadily increasingly decreasingly directly indirectly explicitly implicitly strategically
deliberately covertly openly publicly privately formally informally empirically theoretically
reportedly arguably plausibly probably possibly notably particularly especially primarily
initially eventually ultimately historically recently currently already still
"""
)

GENERAL = _words(
    """
however although because therefore moreover furthermore nevertheless meanwhile whereas while
since unless whether which their there these those other another several various different
similar important certain particular specific general number amount level degree extent
example instance practice approach method technique process procedure measure question problem
answer issue matter point reason account sense terms basis case cases areas field fields work
works years period decade century people groups others world countries nations
"""
)

PREPOSITIONS = _words(
    """
in across within during after before under over through without beyond among between against
toward despite alongside around behind
"""
)

FIRST_NAMES = _words(
    """
Aisha Amara Anders Anika Aria Arjun Beatriz Benedikt Bilal Camila Chen Chiara Dalia Daniel
Dmitri Elena Elif Emeka Esther Farah Felix Fiona Gabriel Hana Hugo Ines Isaac Jana Javier Jonas
Kai Kamal Keiko Lars Leila Lena Lucia Malik Mara Marco Mei Milan Mira Nadia Naveen Nikolai Noor
Olga Omar Paolo Priya Rafael Ravi Rosa Ruth Samir Sana Sofia Stefan Tamar Theo Tomas Valeria
Vikram Wen Yara Yusuf Zara Zoe Ada Boris Clara Dario Edith Ferdinand Greta Helena Ivan Jude
"""
)

SYLLABLES = _words(
    """
ka ven tor mi sa lon dra vel qui ros tan bel cor dim fal gor hes lin mar nor pel ren sol tev ur
vin wen za yor zel ar bri cal den el fin gal hal is jor kel lu mo na or pra ri sen ta um va wil
"""
)

ORG_SUFFIXES = _words("Institute Labs Research Foundation Collective Center AI Group")
POLICY_SUFFIXES = ["Act", "Framework", "Standard", "Code of Practice", "Executive Order", "Accord"]
INCIDENT_SUFFIXES = ["Incident", "Leak", "Jailbreak", "Outage", "Recall", "Disclosure"]
ANALYSIS_SUFFIXES = ["Forecast", "Estimates", "Comparison", "Model", "Survey", "Timeline"]

# Phrases that trip the info-level prose rules in real articles, used sparingly.
WEASEL = ["Many experts believe that", "It is widely thought that", "Some argue that"]
ABSOLUTE = ["obviously", "undeniably"]


def _plural(noun: str) -> str:
    if noun.endswith("sis"):
        return noun[:-2] + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def _forms(verb: str) -> tuple[str, str, str]:
    if verb in IRREGULAR:
        return IRREGULAR[verb]
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        third, past = verb[:-1] + "ies", verb[:-1] + "ied"
    elif verb.endswith(("s", "x", "ch", "sh")):
        third, past = verb + "es", verb + "ed"
    elif verb.endswith("e"):
        third, past = verb + "s", verb + "d"
    else:
        third, past = verb + "s", verb + "ed"
    gerund = verb[:-1] + "ing" if verb.endswith("e") and not verb.endswith("ee") else verb + "ing"
    return third, past, gerund


def _zipf(count: int, exponent: float = 1.0, offset: float = 2.5) -> list[float]:
    return [1 / (rank + offset) ** exponent for rank in range(count)]


def _title_case(text: str) -> str:
    small = {"of", "and", "in", "the", "for", "to", "vs.", "on", "a"}
    words = text.split()
    return " ".join(
        w if (i and w in small) else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
        for i, w in enumerate(words)
    )


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slugify(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


# --------------------------------------------------------------------------- categories


@dataclass(frozen=True)
class Category:
    name: str
    weight: int
    page_types: tuple[str, ...]  # frontmatter entityType
    registry_types: tuple[str, ...]  # entity registry `type`
    subcategories: tuple[str, ...]
    title_kind: str
    headings: tuple[str, ...]


COMMON_HEADINGS = (
    "Background",
    "Key Findings",
    "Evidence to Date",
    "Open Questions",
    "Criticism and Debate",
    "Current Status",
    "Research Directions",
    "Relationship to Other Topics",
    "Key Uncertainties",
    "Implications",
    "History",
    "Limitations",
    "Outlook",
    "Expert Views",
    "Quantitative Estimates",
)

CATEGORIES = (
    Category(
        "risks",
        12,
        ("risk", "risk-factor"),
        ("risk",),
        ("accident", "misuse", "structural", "epistemic"),
        "concept",
        (
            "How the Failure Unfolds",
            "Necessary Ingredients",
            "Arguments That It Is Likely",
            "Arguments That It Is Unlikely",
            "Detection and Mitigation",
            "Warning Signs",
        ),
    ),
    Category(
        "responses",
        14,
        ("approach", "safety-agenda"),
        ("safety-agenda", "approach"),
        ("alignment-training", "interpretability", "evaluation", "control"),
        "method",
        (
            "How It Works",
            "Technical Details",
            "Results So Far",
            "Failure Modes",
            "Comparison with Alternatives",
            "Adoption",
        ),
    ),
    Category(
        "organizations",
        12,
        ("organization",),
        ("lab-frontier", "lab-research", "organization"),
        ("frontier-labs", "safety-orgs", "think-tanks"),
        "org",
        (
            "Funding",
            "Leadership",
            "Safety Approach",
            "Research Output",
            "Partnerships",
            "Controversies",
        ),
    ),
    Category(
        "people",
        12,
        ("person",),
        ("researcher",),
        ("researchers", "policymakers"),
        "person",
        ("Career", "Research", "Views", "Selected Publications", "Influence"),
    ),
    Category(
        "cruxes",
        4,
        ("crux",),
        ("crux",),
        ("accident", "governance"),
        "crux",
        (
            "The Core Disagreement",
            "Optimistic Position",
            "Pessimistic Position",
            "What Would Change Minds",
        ),
    ),
    Category(
        "capabilities",
        8,
        ("capability",),
        ("capability",),
        ("reasoning", "agentic", "persuasion"),
        "concept",
        ("Measured Performance", "Trajectory", "Safety Relevance", "Benchmarks"),
    ),
    Category(
        "policies",
        10,
        ("policy",),
        ("policy",),
        ("legislation", "standards", "compute-governance"),
        "policy",
        (
            "Provisions",
            "Enforcement",
            "Reception",
            "Implementation Timeline",
            "Comparison with Other Regimes",
        ),
    ),
    Category(
        "concepts",
        8,
        ("concept",),
        ("concept",),
        ("foundations", "terminology"),
        "concept",
        ("Definition", "Origins of the Term", "Related Concepts", "Common Misunderstandings"),
    ),
    Category(
        "models",
        6,
        ("ai-model",),
        ("ai-model",),
        ("frontier-models", "open-weights"),
        "model",
        ("Capabilities", "Safety Evaluations", "System Card", "Deployment"),
    ),
    Category(
        "incidents",
        5,
        ("event", "case-study"),
        ("event",),
        ("incidents", "milestones"),
        "incident",
        ("What Happened", "Timeline of Events", "Response", "Lessons"),
    ),
    Category(
        "debates",
        4,
        ("debate", "argument"),
        ("debate",),
        ("timelines", "takeoff"),
        "debate",
        ("The Case For", "The Case Against", "Points of Agreement"),
    ),
    Category(
        "analysis",
        5,
        ("analysis",),
        ("analysis",),
        ("forecasts", "comparisons"),
        "analysis",
        ("Method", "Assumptions", "Results", "Sensitivity Analysis"),
    ),
)

COLUMN_NAMES = (
    "Approach",
    "Maturity",
    "Evidence",
    "Key number",
    "Year",
    "Source",
    "Status",
    "Risk level",
    "Cost",
    "Scales with capability?",
    "Main weakness",
    "Finding",
    "Setting",
    "Estimate",
    "Confidence",
    "Actor",
    "Mechanism",
    "Example",
    "Detectable by testing?",
    "Timeline",
)

CLUSTERS = (
    "ai-safety",
    "alignment-theory",
    "governance",
    "interpretability",
    "evaluations",
    "organizations",
    "people",
    "forecasting",
    "compute",
    "responses",
)

RESOURCE_HOSTS = (
    # (template, type, weight); {s} slug, {y} year, {id} an opaque id
    ("https://arxiv.org/abs/{arxiv}", "paper", 30),
    ("https://www.lesswrong.com/posts/{id}/{s}", "blog", 8),
    ("https://www.alignmentforum.org/posts/{id}/{s}", "blog", 8),
    ("https://www.anthropic.com/research/{s}", "blog", 6),
    ("https://openai.com/index/{s}/", "blog", 6),
    ("https://deepmind.google/discover/blog/{s}/", "blog", 4),
    ("https://transformer-circuits.pub/{y}/{s}/index.html", "paper", 3),
    ("https://distill.pub/{y}/{s}/", "paper", 2),
    ("https://epoch.ai/blog/{s}", "report", 4),
    ("https://metr.org/blog/{y}-{s}/", "report", 3),
    ("https://www.governance.ai/research-paper/{s}", "report", 4),
    ("https://cset.georgetown.edu/publication/{s}/", "report", 3),
    ("https://www.rand.org/pubs/research_reports/RRA{num}-1.html", "report", 3),
    ("https://www.nature.com/articles/s41586-0{num}-x", "paper", 2),
    ("https://github.com/{s}/{s2}", "web", 3),
    ("https://en.wikipedia.org/wiki/{W}", "web", 3),
    ("https://AISafety.info/questions/{id4}/{s}", "web", 1),
    ("https://www.gov.uk/government/publications/{s}", "report", 2),
    ("https://www.congress.gov/bill/118th-congress/senate-bill/{num}", "web", 1),
)

EXTERNAL_NON_REGISTRY = (
    "https://arxiv.org/abs/{arxiv}",
    "https://www.lesswrong.com/posts/{id}/{s}",
    "https://www.reuters.com/technology/{s}-{y}/",
    "https://www.ft.com/content/{uuid}",
    "https://x.com/{s2}/status/{big}",
    "https://www.technologyreview.com/{y}/03/14/{num}/{s}/",
    "https://scholar.google.com/citations?user={id4}",
)

# --------------------------------------------------------------------------- grammar

# Slot codes: Ns Np A Vs Vb Vd Vg Av P (words), ORG, T (a page term), TP (a page person), YEAR,
# PCT, MON, NUM, PL (an adjective of uncertainty). {X} is a slot; all other text is literal.
TEMPLATES = (
    ("The {A} {Ns} {Vs} the {Ns} {P} {Np}.", 10),
    ("{Av}, the {Ns} {Vs} {A} {Np}.", 6),
    ("Most {Np} {Vb} the {A} {Ns}, but the {Ns} {Vs} {Np} {P} the {Ns}.", 7),
    ("A {A} {Ns} {Vs} {Np} because the {Ns} {Vs} {A} {Np}.", 6),
    ("According to {TP}, {A} {Np} {Vb} the {Ns} {P} {A} {Np}.", 4),
    ("In {YEAR}, {ORG} reported that the {Ns} {Vd} {Np} by roughly {PCT}.", 4),
    ("{ORG} {Vd} the {A} {Ns} at a cost of about {MON}.", 6),
    ("This {Ns} {Vs} {A} {Np}, which {Vb} the {Ns} {P} {Np}.", 6),
    ("Whether {A} {Np} {Vb} the {Ns} remains {PL}.", 4),
    ("{A} {Np} {Vb} the {Ns}; the {A} {Ns} {Vs} {Np} {P} the {Ns}.", 5),
    ("The {T} {Ns} {Vs} {A} {Np} {P} the {Ns}.", 6),
    ("{TP} argued that {A} {Np} {Vb} the {Ns} {P} {Np}.", 3),
    ("Estimates range from {PCT} up to {PCT}, with {A} {Np} {Av} {Vg} the {Ns}.", 3),
    ("The {Ns} {Vs} {Np} — the {A} {Ns} {Vs} the {Ns} {P} {A} {Np}.", 4),
    ("For example, the {T} {Ns} {Vd} {Np} when the {Ns} {Vd} the {A} {Ns}.", 4),
    ("{Vg} the {Ns} {Vs} {A} {Np}, {Av} {P} {A} {Np}.", 4),
    ("The {Ns} of {A} {Np} {Vs} the {Ns} roughly {NUM}× faster than {A} {Np}.", 2),
    ("By {YEAR}, {ORG} had {Vd} about {MON} on {A} {Np}.", 4),
    ("{Np} {Vd} {P} the {T} {Ns} {Av} {Vb} {A} {Np}.", 3),
    ("Researchers at {ORG} {Vd} the {Ns} and {Vd} {A} {Np} {P} the {Ns}.", 4),
    ("The {Ns} is {A}: {A} {Np} {Vb} the {Ns}, and {A} {Np} {Vb} {Np}.", 4),
    ("Some {Np} {Vb} the {A} {Ns} {P} {A} {Np}, while others {Vb} the {Ns}.", 4),
    ("The {T} benchmark {Vs} {A} {Np} in about {PCT} of {Np}.", 3),
    ("{TP} and {TP} {Vd} that {A} {Np} {Av} {Vb} the {Ns}.", 2),
    ("The {T} team {Vd} {NUM} {A} {Np} and {Vd} the {Ns} {P} {Np}.", 2),
)

# Page-specific words. A pool sentence holds markers (private-use characters) where a page's own
# words go: marker `base + k` stands for the k-th word of that kind of the page, so one
# `fill` per paragraph replaces them. Pages share sentence shapes and the common words but
# each has its own focus vocabulary, as real articles do.
FOCUS = {  # kind: (first marker, slots per page)
    "Ns": (0xE000, 64),
    "Np": (0xE100, 64),
    "A": (0xE200, 48),
    "Vs": (0xE300, 32),
    "Vb": (0xE400, 32),
    "Vd": (0xE500, 32),
    "Vg": (0xE600, 32),
    "T": (0xE700, 16),
    "TP": (0xE800, 8),
}
FOCUS_SHARE = {"Ns": 0.7, "Np": 0.7, "A": 0.65, "Vs": 0.55, "Vb": 0.55, "Vd": 0.55, "Vg": 0.55}
MASS_NOUNS = frozenset(
    _words(
        """
alignment interpretability transparency governance accountability liability enforcement
compliance oversight supervision robustness reliability stability safety welfare consciousness
sentience knowledge expertise awareness autonomy agency surveillance security privacy labour
automation inequality lobbying democracy misuse sycophancy deception manipulation persuasion
cooperation coordination containment evidence uplift compute pretraining finetuning
polysemanticity superposition sparsity saliency provenance resilience legitimacy credibility
"""
    )
)
PREFIXES_N = _words("counter inter meta micro multi over post pre self sub super under hyper co")
PREFIXES_A = _words("non semi hyper ultra over under quasi post pre multi sub super")
PREFIXES_V = _words("re over under mis out co pre")


class Lexicon:
    """Every word list, including the derived focus vocabulary (a few thousand lemmas)."""

    def __init__(self, rng: random.Random) -> None:
        nouns = NOUNS + GENERAL[40:]
        self.core = {
            "Ns": nouns,
            "Np": [n if n in MASS_NOUNS else _plural(n) for n in nouns],
            "A": ADJECTIVES,
            "Vb": VERBS,
            "Vs": [_forms(v)[0] for v in VERBS],
            "Vd": [_forms(v)[1] for v in VERBS],
            "Vg": [_forms(v)[2] for v in VERBS],
            "Av": ADVERBS,
            "P": PREPOSITIONS,
        }
        plain_adjectives = [a for a in ADJECTIVES if "-" not in a]
        derived_nouns = rng.sample([p + n for p in PREFIXES_N for n in NOUNS], 2600)
        derived_nouns += [a + "ness" for a in plain_adjectives if a[-1] not in "ly"][:150]
        self.focus_nouns = NOUNS + derived_nouns
        self.focus_adjectives = ADJECTIVES + rng.sample(
            [p + a for p in PREFIXES_A for a in plain_adjectives], 1200
        )
        self.focus_verbs = VERBS + rng.sample([p + v for p in PREFIXES_V for v in VERBS], 700)
        self.verb_forms = {v: _forms(v) for v in VERBS}
        for verb in self.focus_verbs[len(VERBS) :]:
            for prefix in PREFIXES_V:
                if verb.startswith(prefix) and verb[len(prefix) :] in self.verb_forms:
                    base = self.verb_forms[verb[len(prefix) :]]
                    self.verb_forms[verb] = (prefix + base[0], prefix + base[1], prefix + base[2])
                    break
        seen: set[str] = set()
        terms: list[str] = []
        while len(terms) < 30_000:
            word = "".join(rng.choices(SYLLABLES, k=rng.choice((2, 3, 3, 4))))
            if len(word) >= 5 and word not in seen:
                seen.add(word)
                terms.append(word.capitalize())
        self.surnames = terms[:6000]
        self.orgs = [f"the {t} {rng.choice(ORG_SUFFIXES)}" for t in terms[6000:6400]]
        self.terms = terms[6400:]

    def person(self, rng: random.Random) -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(self.surnames)}"


class Grammar:
    """Word pools of one category, drawn in bulk so that building a sentence is cheap."""

    def __init__(self, rng: random.Random, lexicon: Lexicon, chunk: int = 4096) -> None:
        self.rng = rng
        self.lexicon = lexicon
        self.chunk = chunk
        # A category ranks the shared vocabulary its own way: part of the weight follows a global
        # ranking, part a ranking of its own, so sections share common words but differ in focus.
        self.core: dict[str, tuple[list[str], list[float]]] = {}
        orders: dict[int, list[int]] = {}
        for code, words in lexicon.core.items():
            if len(words) not in orders:  # the forms of one lemma share their rank
                order = list(range(len(words)))
                rng.shuffle(order)
                orders[len(words)] = order
            order = orders[len(words)]
            glob, own = _zipf(len(words), 1.1), _zipf(len(words), 1.1)
            weights = [0.4 * glob[i] + 2 * own[order[i]] for i in range(len(words))]
            self.core[code] = (words, list(accumulate(weights)))
        # The category's focus vocabulary: pages draw their own words from these distributions.
        self.focus: dict[str, tuple[list[str], list[float]]] = {}
        for kind, words, plain in (
            ("N", lexicon.focus_nouns, len(NOUNS)),
            ("A", lexicon.focus_adjectives, len(ADJECTIVES)),
            ("V", lexicon.focus_verbs, len(VERBS)),
        ):
            order = list(range(len(words)))
            rng.shuffle(order)
            zipf = _zipf(len(words), 0.75, 20.0)
            # Plain words are three times as likely as derived ones (`over` + `optimization`).
            weights = [zipf[order[i]] * (3.0 if i < plain else 1.0) for i in range(len(words))]
            self.focus[kind] = (words, list(accumulate(weights)))
        self.slot_cum = {k: list(accumulate(_zipf(n, 0.8, 1.5))) for k, (_, n) in FOCUS.items()}
        self.buffers: dict[str, list[str]] = {}
        self.templates = [_compile(t) for t, _ in TEMPLATES]
        self.template_cum = list(accumulate(w for _, w in TEMPLATES))

    def _draw(self, code: str) -> str:
        try:
            return self.buffers[code].pop()
        except (KeyError, IndexError):
            return self._refill(code).pop()

    def _refill(self, code: str) -> list[str]:
        rng, k = self.rng, self.chunk
        buffer: list[str]
        if code.startswith("core:"):
            words, cum = self.core[code[5:]]
            buffer = rng.choices(words, cum_weights=cum, k=k)
        elif code in FOCUS_SHARE:
            words, cum = self.core[code]
            buffer = rng.choices(words, cum_weights=cum, k=k)
            base, _ = FOCUS[code]
            slots = rng.choices(range(FOCUS[code][1]), cum_weights=self.slot_cum[code], k=k)
            share = FOCUS_SHARE[code]
            for i, (slot, roll) in enumerate(
                zip(slots, [rng.random() for _ in range(k)], strict=True)
            ):
                if roll < share:
                    buffer[i] = chr(base + slot)
        elif code in self.core:
            words, cum = self.core[code]
            buffer = rng.choices(words, cum_weights=cum, k=k)
        elif code in ("T", "TP"):
            base, count = FOCUS[code]
            buffer = [chr(base + s) for s in rng.choices(range(count), self.slot_cum[code], k=k)]
        elif code == "YEAR":
            buffer = [str(y) for y in rng.choices(range(2016, 2027), k=k)]
        elif code == "PCT":
            buffer = [f"{rng.randint(2, 95)}%" for _ in range(k)]
        elif code == "MON":
            buffer = [
                f"\\${rng.choice((1, 2, 3, 5, 8, 12, 30, 40, 100, 250))}"
                f"{rng.choice(('M', 'B', 'B', 'M', 'K'))}"
                for _ in range(k)
            ]
        elif code == "NUM":
            buffer = [str(rng.choice((2, 3, 4, 5, 10, 30, 100))) for _ in range(k)]
        elif code == "ORG":
            buffer = rng.choices(self.lexicon.orgs, k=k)
        elif code == "PL":
            buffer = rng.choices(ADJ_UNCERTAIN, k=k)
        else:  # a typo in a template
            raise KeyError(code)
        self.buffers[code] = buffer
        return buffer

    def sentences(self, count: int) -> list[str]:
        out = []
        draw = self._draw
        for template in self.rng.choices(self.templates, cum_weights=self.template_cum, k=count):
            is_literal, first = template[0]
            # The first word is a plain word so that capitalising it works (markers have no case).
            if is_literal:
                head = first
            else:
                head = draw(first if first in ("T", "TP", "ORG") else "core:" + first)
            words = [head]
            for literal, piece in template[1:]:
                words.append(piece if literal else draw(piece))
            text = "".join(words)
            out.append(text[0].upper() + text[1:])
        return out

    def phrase(self) -> str:
        """A short noun phrase for table cells, headings and diagram nodes."""
        kind = self.rng.random()
        draw = self._draw
        if kind < 0.4:
            return f"{draw('core:A')} {draw('Np')}"
        if kind < 0.7:
            return f"{draw('core:A')} {draw('Ns')}"
        if kind < 0.85:
            return f"{draw('core:Ns')} {draw('Ns')}"
        return f"{draw('core:Vg')} {draw('Np')}"

    def page_table(self, rng: random.Random) -> dict[str, str]:
        """Marker -> word: one page's own words (see `fill`)."""
        lex = self.lexicon
        table: dict[str, str] = {}
        words, cum = self.focus["N"]
        nouns = rng.choices(words, cum_weights=cum, k=FOCUS["Ns"][1])
        for k, noun in enumerate(nouns):
            table[chr(FOCUS["Ns"][0] + k)] = noun
            table[chr(FOCUS["Np"][0] + k)] = noun if noun in MASS_NOUNS else _plural(noun)
        words, cum = self.focus["A"]
        for k, adjective in enumerate(rng.choices(words, cum_weights=cum, k=FOCUS["A"][1])):
            table[chr(FOCUS["A"][0] + k)] = adjective
        words, cum = self.focus["V"]
        for k, verb in enumerate(rng.choices(words, cum_weights=cum, k=FOCUS["Vb"][1])):
            third, past, gerund = lex.verb_forms[verb]
            table[chr(FOCUS["Vb"][0] + k)] = verb
            table[chr(FOCUS["Vs"][0] + k)] = third
            table[chr(FOCUS["Vd"][0] + k)] = past
            table[chr(FOCUS["Vg"][0] + k)] = gerund
        for k in range(FOCUS["T"][1]):
            table[chr(FOCUS["T"][0] + k)] = rng.choice(lex.terms)
        for k in range(FOCUS["TP"][1]):
            table[chr(FOCUS["TP"][0] + k)] = lex.person(rng)
        return table


_MARKER = re.compile("([\ue000-\ue8ff])")


def fill(text: str, table: dict[str, str]) -> str:
    """Replace the markers of a pool sentence by a page's words (5x faster than str.translate)."""
    parts = _MARKER.split(text)
    if len(parts) == 1:
        return text
    parts[1::2] = map(table.__getitem__, parts[1::2])
    return "".join(parts)


def _compile(template: str) -> list[tuple[bool, str]]:
    pieces: list[tuple[bool, str]] = []
    rest = template
    while rest:
        start = rest.find("{")
        if start < 0:
            pieces.append((True, rest))
            break
        if start:
            pieces.append((True, rest[:start]))
        end = rest.index("}", start)
        pieces.append((False, rest[start + 1 : end]))
        rest = rest[end + 1 :]
    return pieces


# --------------------------------------------------------------------------- plan


@dataclass
class Page:
    index: int
    category: int
    slug: str
    title: str
    ext: str
    fmt: str  # contentFormat
    entity: int = -1  # index into KB.entities, -1 for none
    duplicate_of: int = -1
    size: int = 20_000
    resources: list[int] = field(default_factory=list)  # resources this page "owns"


@dataclass
class Entity:
    slug: str
    title: str
    category: int
    numeric: int
    page: int = -1
    related: list[int] = field(default_factory=list)


@dataclass
class Resource:
    rid: str
    url: str
    title: str
    kind: str
    year: int
    authors: list[str]
    stable_id: str | None
    cited_by: list[int]
    tags: list[str]


class KB:
    """The whole plan: pages, entities and resources; article text is produced per page."""

    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.seed = seed
        rng = random.Random(f"kb-plan-{seed}")
        self.lexicon = Lexicon(rng)
        self.pages: list[Page] = []
        self.entities: list[Entity] = []
        self.resources: list[Resource] = []
        self.by_category: list[list[int]] = [[] for _ in CATEGORIES]
        self.entities_by_category: list[list[int]] = [[] for _ in CATEGORIES]
        self._slugs: set[str] = set()
        self._plan_pages(rng)
        self._plan_entities(rng)
        self._plan_resources(rng)
        per_category = [len(p) for p in self.by_category]
        self.grammars = [
            Grammar(random.Random(f"grammar-{seed}-{c}"), self.lexicon, 4096)
            for c in range(len(CATEGORIES))
        ]
        # Sentence pools: each sentence of a category's pool is used by about six of its pages.
        self.pools = [
            g.sentences(min(30_000, max(1500, 12 * count)))
            for g, count in zip(self.grammars, per_category, strict=True)
        ]
        self.cell_pools = [[g.phrase() for _ in range(1500)] for g in self.grammars]

    # ---------------------------------------------------------------- planning

    def _unique(self, slug: str, rng: random.Random) -> str:
        base = slug
        while slug in self._slugs or slug == "index":
            slug = f"{base}-{rng.choice(self.lexicon.terms).lower()}"
        self._slugs.add(slug)
        return slug

    def _title(self, category: Category, rng: random.Random) -> str:
        lex, kind = self.lexicon, category.title_kind
        noun = rng.choice(NOUNS)
        adj = rng.choice(ADJECTIVES)
        if kind == "person":
            return lex.person(rng)
        if kind == "org":
            return f"{rng.choice(lex.terms)} {rng.choice(ORG_SUFFIXES)}"
        if kind == "policy":
            return f"{rng.choice(lex.terms)} {_title_case(noun)} {rng.choice(POLICY_SUFFIXES)}"
        if kind == "model":
            return f"{rng.choice(lex.terms)} {rng.randint(1, 5)}.{rng.choice((0, 5, 7))}"
        if kind == "incident":
            return f"The {rng.choice(lex.terms)} {rng.choice(INCIDENT_SUFFIXES)}"
        if kind == "analysis":
            return _title_case(f"{noun} {rng.choice(ANALYSIS_SUFFIXES).lower()}")
        if kind == "debate":
            return _title_case(f"{adj} vs. {rng.choice(ADJECTIVES)} {_plural(noun)}")
        if kind == "crux":
            return _title_case(f"{adj} {noun} cruxes")
        if kind == "method":
            return _title_case(f"{noun} {_forms(rng.choice(VERBS))[2]}")
        return _title_case(rng.choice((f"{adj} {noun}", f"{noun} {_forms(rng.choice(VERBS))[2]}")))

    def _plan_pages(self, rng: random.Random) -> None:
        weights = [c.weight for c in CATEGORIES]
        with_index = self.n >= 2 * len(CATEGORIES)
        assigned = list(range(len(CATEGORIES))) if with_index else []
        assigned += rng.choices(range(len(CATEGORIES)), weights, k=self.n - len(assigned))
        assigned.sort()  # pages of a category are contiguous, like a folder walk
        mu = math.log(17_000)
        articles: list[list[int]] = [[] for _ in CATEGORIES]  # plain articles, for duplicates
        for index, c in enumerate(assigned):
            category = CATEGORIES[c]
            first = not self.by_category[c]
            if first and with_index:
                page = Page(index, c, "index", _title_case(f"{category.name}"), ".mdx", "index")
                page.size = 2500
            else:
                title = self._title(category, rng)
                slug = self._unique(_slugify(title), rng)
                ext = ".md" if rng.random() < 0.04 else ".mdx"
                fmt = rng.choices(("article", "table", "diagram", "index"), (88, 7, 4, 1))[0]
                page = Page(index, c, slug, title, ext, fmt)
                page.size = int(min(60_000, max(5_000, rng.lognormvariate(mu, 0.55))))
                if fmt == "index":
                    page.size = 4000
                mates = articles[c]
                if fmt == "article" and ext == ".mdx" and mates and rng.random() < 0.021:
                    source = rng.choice(mates)
                    if self.pages[source].duplicate_of < 0:
                        page.duplicate_of = source
                if fmt == "article":
                    mates.append(index)
            self.pages.append(page)
            self.by_category[c].append(index)

    def _plan_entities(self, rng: random.Random) -> None:
        candidates = [p for p in self.pages if p.fmt != "index" or p.slug != "index"]
        extra = max(1, round(0.2 * len(candidates)))
        items: list[tuple[int, int]] = [(p.category, p.index) for p in candidates]
        weights = [c.weight for c in CATEGORIES]
        items += [(c, -1) for c in rng.choices(range(len(CATEGORIES)), weights, k=extra)]
        rng.shuffle(items)  # numeric ids are not in folder order
        for number, (c, page_index) in enumerate(items, start=1):
            if page_index >= 0:
                page = self.pages[page_index]
                slug, title = page.slug, page.title
            else:
                title = self._title(CATEGORIES[c], rng)
                slug = self._unique(_slugify(title), rng)
            entity = Entity(slug, title, c, number, page_index)
            if page_index >= 0:
                self.pages[page_index].entity = len(self.entities)
            self.entities_by_category[c].append(len(self.entities))
            self.entities.append(entity)
        total = len(self.entities)
        for entity in self.entities:
            mates = self.entities_by_category[entity.category]
            picks = {rng.choice(mates) for _ in range(rng.randint(1, 4))}
            picks |= {rng.randrange(total) for _ in range(rng.randint(0, 2))}
            entity.related = sorted(i for i in picks if self.entities[i] is not entity)

    def _plan_resources(self, rng: random.Random) -> None:
        lex = self.lexicon
        templates = [h[0] for h in RESOURCE_HOSTS]
        kinds = {h[0]: h[1] for h in RESOURCE_HOSTS}
        host_weights = [h[2] for h in RESOURCE_HOSTS]
        urls: set[str] = set()
        stable: set[str] = set()
        owners = [p for p in self.pages if p.slug != "index"]
        for page in owners:
            for _ in range(rng.choice((2, 3, 3, 3, 4))):
                while True:
                    template = rng.choices(templates, host_weights)[0]
                    title = self._resource_title(rng, page.category)
                    url = _fill_url(template, rng, _slugify(title), lex)
                    if url not in urls:
                        urls.add(url)
                        break
                year = rng.randint(2016, 2026)
                stable_id = None
                if rng.random() < 0.2:
                    stable_id = f"r-{'-'.join(_slugify(title).split('-')[:3])}-{year}"
                    if stable_id in stable:
                        stable_id = None
                    else:
                        stable.add(stable_id)
                cited_by = [page.index] if rng.random() < 0.25 else []
                authors = [lex.person(rng) for _ in range(rng.randint(1, 6))]
                tags = sorted({_slugify(rng.choice(NOUNS)) for _ in range(rng.randint(1, 3))})
                rid = f"{rng.getrandbits(64):016x}"
                page.resources.append(len(self.resources))
                self.resources.append(
                    Resource(
                        rid, url, title, kinds[template], year, authors, stable_id, cited_by, tags
                    )
                )

    def _resource_title(self, rng: random.Random, category: int) -> str:
        noun, noun2 = rng.choice(NOUNS), rng.choice(NOUNS)
        adj = rng.choice(ADJECTIVES)
        shape = rng.random()
        if shape < 0.35:
            return _title_case(f"{adj} {noun} in {rng.choice(ADJECTIVES)} {_plural(noun2)}")
        if shape < 0.6:
            term = rng.choice(self.lexicon.terms)
            verb = _forms(rng.choice(VERBS))[2]
            return f"{term}: {_title_case(f'{verb} {_plural(noun)} with {noun2} {_plural(noun)}')}"
        if shape < 0.8:
            return _title_case(f"towards {adj} {noun} {_plural(noun2)}")
        return _title_case(f"on the {noun} of {adj} {_plural(noun2)}")

    # ---------------------------------------------------------------- helpers for articles

    def page_path(self, page: Page) -> str:
        name = CATEGORIES[page.category].name
        return (
            f"/knowledge-base/{name}/"
            if page.slug == "index"
            else (f"/knowledge-base/{name}/{page.slug}/")
        )


_URL_KEY = re.compile(r"\{(\w+)\}")
_ID_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"


def _fill_url(template: str, rng: random.Random, slug: str, lex: Lexicon) -> str:
    words = slug.split("-")

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "s":
            return "-".join(words[:6]) or "post"
        if key == "s2":
            return rng.choice(lex.terms).lower()
        if key == "y":
            return str(rng.randint(2016, 2026))
        if key == "id":
            return "".join(rng.choices(_ID_CHARS, k=17))
        if key == "id4":
            return "".join(rng.choices(_ID_CHARS[:24] + "0123456789", k=4))
        if key == "num":
            return str(rng.randint(1000, 99999))
        if key == "big":
            return str(rng.getrandbits(60))
        if key == "uuid":
            return f"{rng.getrandbits(128):032x}"
        if key == "arxiv":
            return f"{rng.randint(17, 25):02d}{rng.randint(1, 12):02d}.{rng.randint(1, 20000):05d}"
        return "_".join(w.capitalize() for w in words[:3])  # W: a Wikipedia title

    return _URL_KEY.sub(value, template)


def _variant(url: str, rng: random.Random) -> str:
    """The same resource as a writer might link it: www. added/dropped, trailing slash toggled."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    if rng.random() < 0.5:
        host = host[4:] if host.startswith("www.") else f"www.{host}"
    if path and "?" not in path and rng.random() < 0.6:
        path = path[:-1] if path.endswith("/") else f"{path}/"
    if host.lower() != host and rng.random() < 0.7:
        host = host.lower()
    return f"{scheme}://{host}/{path}"


# --------------------------------------------------------------------------- articles


class Article:
    """Composes the text of one page from its own random stream."""

    def __init__(self, kb: KB, page: Page, rng: random.Random) -> None:
        self.kb = kb
        self.page = page
        self.rng = rng
        self.mdx = page.ext == ".mdx"
        c = page.category
        self.grammar = kb.grammars[c]
        self.pool = kb.pools[c]
        self.cells = kb.cell_pools[c]
        # The page's own words, names and people, recurring through the page.
        self.tr = self.grammar.page_table(rng)
        self.terms = [self.tr[chr(FOCUS["T"][0] + k)] for k in range(FOCUS["T"][1])]
        self.components: set[str] = set()
        # How heavily this page cites and links (pages differ a lot in the real KB).
        self.cite_rate = rng.choice((0.0, 0.02, 0.05, 0.08, 0.12, 0.18))
        self.link_rate = rng.choice((0.03, 0.05, 0.08))
        self.footnotes = rng.choices(("none", "numeric", "named"), (66, 5, 29))[0]
        if not self.mdx and self.footnotes == "named":
            self.footnotes = "numeric"
        self.footnote_defs: list[str] = []
        self.entity_pool = self._entity_pool()
        self.resource_pool = self._resource_pool()
        self.link_pool = self._link_pool()

    # ---------------------------------------------------------------- pools of targets

    def _entity_pool(self) -> list[int]:
        kb, rng, page = self.kb, self.rng, self.page
        pool: list[int] = []
        if page.entity >= 0:
            pool += kb.entities[page.entity].related
        mates = kb.entities_by_category[page.category] or list(range(len(kb.entities)))
        pool += [rng.choice(mates) for _ in range(6)]
        pool += [rng.randrange(len(kb.entities)) for _ in range(4)]
        return pool

    def _resource_pool(self) -> list[int]:
        kb, rng, page = self.kb, self.rng, self.page
        pool = list(page.resources)
        mates = kb.by_category[page.category]
        for _ in range(rng.randint(3, 10)):
            other = kb.pages[rng.choice(mates)]
            if other.resources:
                pool.append(rng.choice(other.resources))
        pool += [rng.randrange(len(kb.resources)) for _ in range(3)]
        return pool

    def _link_pool(self) -> list[int]:
        kb, rng, page = self.kb, self.rng, self.page
        mates = kb.by_category[page.category]
        pool = [rng.choice(mates) for _ in range(8)]
        pool += [rng.randrange(len(kb.pages)) for _ in range(4)]
        return [i for i in pool if i != page.index]

    # ---------------------------------------------------------------- inline pieces

    def entity_link(self) -> str:
        kb, rng = self.kb, self.rng
        entity = kb.entities[rng.choice(self.entity_pool)]
        if not self.mdx:
            return self._internal_or_text(entity)
        self.components.add("EntityLink")
        form = rng.random()
        if form < 0.6:
            return f'<EntityLink id="{entity.slug}">{entity.title}</EntityLink>'
        if form < 0.95:
            return (
                f'<EntityLink id="E{entity.numeric}" name="{entity.slug}">'
                f"{entity.title}</EntityLink>"
            )
        return f'<EntityLink id="{entity.slug}" />'

    def _internal_or_text(self, entity: Entity) -> str:
        if entity.page >= 0:
            return f"[{entity.title}]({self.kb.page_path(self.kb.pages[entity.page])})"
        return entity.title

    def citation(self) -> str:
        kb, rng = self.kb, self.rng
        resource = kb.resources[rng.choice(self.resource_pool)]
        if self.footnotes == "numeric" or not self.mdx:
            return self._footnote(resource)
        if self.footnotes == "named" and rng.random() < 0.6:
            return f"[^{rng.choice(('rc', 'rc', 'cr'))}-{rng.getrandbits(16):04x}]"
        self.components.add("R")
        rid = resource.stable_id if resource.stable_id and rng.random() < 0.3 else resource.rid
        text = " ".join(resource.title.split(":")[0].split()[:5])
        return f'<R id="{rid}">{text}</R>'

    def _footnote(self, resource: Resource) -> str:
        rng = self.rng
        number = len(self.footnote_defs) + 1
        if rng.random() < 0.05:
            body = f"{resource.title}, {resource.year}."  # unsourced: no URL
        else:
            body = f"[{resource.title}]({resource.url}), {resource.year}."
        if rng.random() < 0.15:
            body += "\n    " + self.sentence_text()
        self.footnote_defs.append(f"[^{number}]: {body}")
        return f"[^{number}]"

    def internal_link(self) -> str:
        kb, rng = self.kb, self.rng
        target = kb.pages[rng.choice(self.link_pool)] if self.link_pool else self.page
        text = target.title if rng.random() < 0.5 else target.title.lower()
        return f"[{text}]({kb.page_path(target)})"

    def external_link(self) -> str:
        kb, rng = self.kb, self.rng
        if rng.random() < 0.45:  # a registry resource linked directly: an unconverted link
            resource = kb.resources[rng.choice(self.resource_pool)]
            url = resource.url if rng.random() < 0.4 else _variant(resource.url, rng)
            text = " ".join(resource.title.split()[:6])
        else:
            template = rng.choice(EXTERNAL_NON_REGISTRY)
            words = self.cell_text()
            url = _fill_url(template, rng, _slugify(words), kb.lexicon)
            text = words
        return f"[{text}]({url})"

    def sentence_text(self) -> str:
        return fill(self.rng.choice(self.pool), self.tr)

    def cell_text(self) -> str:
        return fill(self.rng.choice(self.cells), self.tr)

    def decorate(self, sentence: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < self.link_rate:  # an entity link
            link = self.entity_link()
            shape = rng.random()
            if shape < 0.4:
                return f"{sentence[:-1]}, as discussed in {link}."
            if shape < 0.7:
                return f"For {link}, {sentence[0].lower()}{sentence[1:]}"
            return f"{sentence[:-1]} (see {link})."
        roll -= self.link_rate
        if roll < self.cite_rate:
            cite = self.citation()
            if cite.startswith("[^"):
                return f"{sentence}{cite}"
            shape = rng.random()
            if shape < 0.5:
                return f"{sentence[:-1]}, as {cite} found."
            return f"In {cite}, {sentence[0].lower()}{sentence[1:]}"
        roll -= self.cite_rate
        if roll < 0.03:
            return f"{sentence[:-1]} (see {self.internal_link()})."
        roll -= 0.03
        if roll < 0.015:
            return f"{sentence[:-1]}, according to {self.external_link()}."
        roll -= 0.015
        if roll < 0.03:
            words = sentence.split(" ", 3)
            if len(words) == 4:
                return f"**{words[0]} {words[1]} {words[2]}** {words[3]}"
        roll -= 0.03
        if roll < 0.012:
            return f"{sentence[:-1]} in *{self.rng.choice(self.terms)}*."
        roll -= 0.012
        if roll < 0.0008 and self.mdx:
            return f"{sentence}{{/* NEEDS CITATION */}}"
        roll -= 0.0008
        if roll < 0.002 and self.mdx:  # an inline fact value
            self.components.add("KBF")
            entity = self.kb.entities[rng.choice(self.entity_pool)].slug
            value = f"\\${rng.randint(2, 90)}{rng.choice('MB')}"
            fact = f'<KBF entity="{entity}" property="revenue">{value}</KBF>'
            return f"{sentence[:-1]}, with revenue of about {fact} in {rng.randint(2023, 2026)}."
        roll -= 0.002
        if roll < 0.0005 and self.mdx:  # a computed value with braces inside a string prop
            self.components.add("Calc")
            entity = self.kb.entities[rng.choice(self.entity_pool)].slug
            calc = (
                f'<Calc expr="{{{entity}.valuation}} / {{{entity}.revenue}}" '
                'precision={0} suffix="x" />'
            )
            return f"{sentence[:-1]}, a multiple of ≈{calc} revenue."
        roll -= 0.0005
        if roll < 0.001:
            return f"{rng.choice(WEASEL)} {sentence[0].lower()}{sentence[1:]}"
        roll -= 0.001
        if roll < 0.0007:
            return f"{sentence[:-1]}, {rng.choice(ABSOLUTE)}."
        return sentence

    def paragraph(self, low: int = 3, high: int = 8) -> str:
        rng = self.rng
        sentences = rng.choices(self.pool, k=rng.randint(low, high))
        decorate = self.decorate
        return " ".join(decorate(s) for s in fill("\x1f".join(sentences), self.tr).split("\x1f"))

    # ---------------------------------------------------------------- blocks

    def cell(self, column: int) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            return self.cell_text().capitalize()
        if roll < 0.55:
            return rng.choice(("High", "Medium", "Low", "Unclear", "**Yes**", "**No**", "Partly"))
        if roll < 0.63:
            return rng.choice(
                (
                    f"{rng.randint(2, 98)}%",
                    str(rng.randint(2016, 2026)),
                    f"\\${rng.randint(1, 300)}{rng.choice('MB')}",
                    f"{rng.randint(2, 40)}×",
                )
            )
        if roll < 0.72:
            return self.sentence_text()
        if roll < 0.78 and self.mdx:
            return self.entity_link()
        if roll < 0.84:
            return self.citation() if self.mdx else self.internal_link()
        if roll < 0.87:
            return self.internal_link()
        if roll < 0.885:
            a, b = rng.choice(NOUNS), rng.choice(ADJECTIVES)
            return f"P({a} \\| {b}) near {rng.randint(1, 30)}%"
        return f"{self.cell_text()} ({rng.choice(self.terms)})"

    def table(self) -> str:
        rng = self.rng
        columns = rng.sample(COLUMN_NAMES, rng.randint(3, 6))
        columns[0] = rng.choice(("Approach", "Term", "Study", "Actor", "Variety", "Scenario"))
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for _ in range(rng.randint(3, 10)):
            first = rng.random()
            if first < 0.5:
                head = f"**{self.cell_text().capitalize()}**"
            elif first < 0.7 and self.mdx:
                head = self.entity_link()
            else:
                head = self.cell_text().capitalize()
            cells = [head] + [self.cell(i) for i in range(1, len(columns))]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def mermaid(self) -> str:
        rng = self.rng
        direction = rng.choice(("TD", "TD", "LR"))
        nodes = [f"{chr(65 + i)}" for i in range(rng.randint(4, 11))]
        labels = []
        for _ in nodes:
            phrase = self.cell_text().capitalize()
            if " " in phrase and rng.random() < 0.5:
                phrase = phrase.replace(" ", "<br/>", 1)
            labels.append(phrase)
        lines = [f"flowchart {direction}"]
        for i in range(1, len(nodes)):
            parent = rng.randrange(i)
            a, b = nodes[parent], nodes[i]
            shape_b = f"{{{labels[i]}?}}" if rng.random() < 0.25 else f"[{labels[i]}]"
            head = f"{a}[{labels[parent]}]" if i == 1 else a
            edge = rng.choice(("-->", "-->", "-->|Yes|", "-->|No|", "-.->"))
            lines.append(f"    {head} {edge} {b}{shape_b}")
            if i == len(nodes) // 2:
                lines.append("")
        lines.append(f"    style {nodes[-1]} fill:#{rng.choice(('d4edda', 'f8d7da', 'fff3cd'))}")
        self.components.add("Mermaid")
        return "<Mermaid chart={`" + "\n".join(lines) + "\n`} />"

    def fenced_mermaid(self) -> str:
        rng = self.rng
        lines = ["```mermaid", "flowchart LR"]
        for i in range(rng.randint(3, 6)):
            lines.append(f"    N{i}[{self.cell_text()}] --> N{i + 1}[{self.cell_text()}]")
        lines.append("```")
        return "\n".join(lines)

    def aside(self) -> str:
        rng = self.rng
        self.components.add("Aside")
        kind = rng.choice(("tip", "note", "caution"))
        title = rng.choice(
            (
                "Bottom line",
                "Reading the record",
                "Key takeaway",
                "Caveat",
                "In short",
                "Why this matters",
            )
        )
        first = self.sentence_text()
        words = first.split(" ", 3)
        if len(words) == 4:
            first = f"{words[0]} **{words[1]} {words[2]}** {words[3]}"
        second = f"{self.sentence_text()[:-1]}; see {self.internal_link()}."
        third = self.paragraph(1, 3)
        return f'<Aside type="{kind}" title="{title}">\n{first}\n{second} {third}\n</Aside>'

    def bullets(self) -> str:
        rng = self.rng
        marker = rng.choice(("-", "-", "*", "1."))
        lines = []
        for i in range(rng.randint(3, 8)):
            mark = f"{i + 1}." if marker == "1." else marker
            text = self.paragraph(1, 3)
            if rng.random() < 0.5:
                head = self.cell_text().capitalize()
                text = f"**{head}.** {text}"
            lines.append(f"{mark} {text}")
            if marker != "1." and rng.random() < 0.12:
                lines.append(f"  {marker} {self.paragraph(1, 1)}")
        return "\n".join(lines)

    def code(self) -> str:
        rng = self.rng
        noun, verb = rng.choice(NOUNS), rng.choice(VERBS)
        shape = rng.random()
        if shape < 0.5:
            return (
                "```python\n"
                f"def {verb}_{noun}(model, prompts, threshold={rng.randint(1, 9) / 10}):\n"
                f'    """{self.cell_text().capitalize()}."""\n'
                "    results = [model.generate(p, max_tokens=512) for p in prompts]\n"
                f"    flagged = [r for r in results if r.score > threshold]  # {noun}\n"
                "    return len(flagged) / max(1, len(results))\n"
                "```"
            )
        if shape < 0.75:
            return (
                "```yaml\n"
                f"evaluation: {noun}-{verb}\n"
                f"model: {rng.choice(self.terms).lower()}-{rng.randint(1, 5)}\n"
                f"samples: {rng.randint(100, 5000)}\n"
                f"threshold: {rng.randint(1, 99) / 100}\n"
                "```"
            )
        fence = rng.choice(("```text", "~~~text"))
        close = "```" if fence.startswith("```") else "~~~"
        body = "\n".join(self.cell_text() for _ in range(rng.randint(2, 5)))
        return f"{fence}\n{body}\n{close}"

    def key_questions(self) -> str:
        rng = self.rng
        self.components.add("KeyQuestions")
        questions = []
        for _ in range(rng.randint(3, 6)):
            a, b = self.cell_text(), self.cell_text()
            shape = rng.random()
            if shape < 0.4:
                q = f"Does {a} {_forms(rng.choice(VERBS))[0]} {b}, and/or the other way round?"
            elif shape < 0.7:
                q = f"Would {a} survive the move from training/deployment to {b}?"
            else:
                q = f"How much do {a} and {b} matter for {rng.choice(self.terms)}?"
            questions.append(f'  "{q}"')
        return "<KeyQuestions questions={[\n" + ",\n".join(questions) + "\n]} />"

    def heading(self, level: int, used: set[str]) -> str:
        rng = self.rng
        category = CATEGORIES[self.page.category]
        for _ in range(6):
            roll = rng.random()
            if roll < 0.35:
                text = rng.choice(category.headings)
            elif roll < 0.6:
                text = rng.choice(COMMON_HEADINGS)
            else:
                text = _title_case(self.cell_text())
            if text not in used:
                break
        else:
            text = f"{text} ({rng.choice(self.terms)})"
        used.add(text)
        return f"{'#' * level} {text}"

    # ---------------------------------------------------------------- the page

    def body_blocks(self) -> list[str]:
        """The article below the import line and the infobox, as blocks separated by blank lines."""
        page, rng = self.page, self.rng
        blocks: list[str] = []
        size = 0
        used: set[str] = set()
        if page.fmt == "index":
            return self._index_blocks()
        if rng.random() < 0.93:
            blocks += ["## Overview", self.paragraph(4, 8), self.paragraph(3, 7)]
            used.add("Overview")
            if rng.random() < 0.35:
                blocks.append(self.table())
        elif rng.random() < 0.5:
            blocks.append(self.paragraph(3, 6))
        size = sum(len(b) for b in blocks)
        target = page.size * 0.9
        block_weights = {
            "article": (24, 20, 9, 3, 5, 2, 37),
            "table": (70, 8, 4, 4, 3, 2, 10),
            "diagram": (15, 10, 45, 5, 3, 2, 20),
        }[page.fmt]
        kinds = ("table", "bullets", "mermaid", "aside", "code", "questions", "none")
        while size < target:
            section = [self.heading(2, used)]
            section += [self.paragraph() for _ in range(rng.randint(1, 3))]
            kind = rng.choices(kinds, block_weights)[0]
            section.append(self._block(kind))
            if rng.random() < 0.4:
                for _ in range(rng.randint(1, 3)):
                    section += [self.heading(3, used), self.paragraph()]
                    if rng.random() < 0.3:
                        section.append(self._block(rng.choices(kinds, block_weights)[0]))
                    if rng.random() < 0.12:
                        section += [self.heading(4, used), self.paragraph(2, 5)]
            section = [b for b in section if b]
            blocks += section
            size += sum(len(b) + 2 for b in section)
        blocks += self._closing()
        return blocks

    def _block(self, kind: str) -> str:
        if kind == "table":
            return self.table()
        if kind == "bullets":
            return self.bullets()
        if kind == "mermaid":
            return self.mermaid() if self.mdx else self.fenced_mermaid()
        if kind == "aside" and self.mdx:
            return self.aside()
        if kind == "code":
            return self.code()
        if kind == "questions" and self.mdx:
            return self.key_questions()
        return self.paragraph(2, 5)

    def _index_blocks(self) -> list[str]:
        kb, rng, page = self.kb, self.rng, self.page
        blocks = [self.paragraph(2, 4), f"## {_title_case(CATEGORIES[page.category].name)}"]
        mates = [i for i in kb.by_category[page.category] if i != page.index]
        items = []
        for i in rng.sample(mates, min(len(mates), rng.randint(6, 40))):
            other = kb.pages[i]
            if other.entity >= 0 and self.mdx:
                self.components.add("EntityLink")
                link = f'<EntityLink id="{other.slug}">{other.title}</EntityLink>'
            else:
                link = f"[{other.title}]({kb.page_path(other)})"
            items.append(f"- {link}: {self.cell_text()}.")
        blocks.append("\n".join(items) if items else self.paragraph())
        blocks += ["## Related Pages", f"- {self.internal_link()} {self.paragraph(1, 1)}"]
        return blocks

    def _closing(self) -> list[str]:
        rng = self.rng
        blocks = []
        if rng.random() < 0.55:
            title = rng.choice(("Further Reading", "Sources", "External Links"))
            items = [
                f"- {self.external_link()} {self.paragraph(1, 1)}" for _ in range(rng.randint(2, 6))
            ]
            blocks += [f"## {title}", "\n".join(items)]
        if rng.random() < 0.3:
            items = [f"- {self.internal_link()}" for _ in range(rng.randint(2, 5))]
            blocks += ["## See Also", "\n".join(items)]
        return blocks


def _yaml_id(value: str) -> str:
    """A hex id; quoted when YAML would read it as a number (all digits, or digits e digits)."""
    return json.dumps(value) if value.replace("e", "", 1).isdigit() else value


def _yaml_text(value: str) -> str:
    """A single-quoted YAML scalar (keeps `\\$` literally, as the example KB does)."""
    return "'" + value.replace("'", "''") + "'"


def _frontmatter(article: Article) -> str:
    kb, page, rng = article.kb, article.page, article.rng
    category = CATEGORIES[page.category]
    lines = [f"title: {_yaml_text(page.title) if ':' in page.title else page.title}"]
    description = " ".join(rng.choices(article.pool, k=rng.randint(1, 3)))
    lines.append(f"description: {_yaml_text(fill(description, article.tr))}")
    if page.fmt == "index" and page.slug == "index":
        lines += [
            "contentFormat: index",
            "clusters:",
            "  - ai-safety",
            f'lastEdited: "2026-0{rng.randint(1, 3)}-1{rng.randint(0, 9)}"',
        ]
        return "---\n" + "\n".join(lines) + "\n---\n"
    entity = kb.entities[page.entity] if page.entity >= 0 else None
    if entity is not None and rng.random() < 0.15:
        lines.insert(1, f"numericId: E{entity.numeric}")
    lines.append(f"quality: {rng.randint(8, 95)}")
    lines.append(f"readerImportance: {rng.choice((rng.randint(2, 98), rng.randint(2, 98) + 0.5))}")
    lines.append(f"researchImportance: {rng.randint(2, 98)}")
    if rng.random() < 0.85:
        summary = fill(" ".join(rng.choices(article.pool, k=rng.randint(2, 5))), article.tr)
        summary += (
            f" Spending \\${rng.randint(2, 500)}M buys a {rng.randint(2, 40)}× "
            f'{rng.choice(NOUNS)} gain → "{article.cell_text()}" stays open.'
        )
        lines.append(f"llmSummary: {_yaml_text(summary)}")
    if rng.random() < 0.9:
        lines.append("ratings:")
        for key in ("novelty", "rigor", "actionability", "completeness"):
            if key == "rigor" or rng.random() < 0.9:  # never an empty mapping
                lines.append(f"  {key}: {rng.choice((rng.randint(1, 9), rng.randint(1, 8) + 0.5))}")
    lines.append(f"contentFormat: {page.fmt}")
    if rng.random() < 0.8:
        lines.append(f"update_frequency: {rng.choice((7, 14, 21, 30, 45, 60, 90, 180))}")
    lines.append("clusters:")
    for cluster in sorted(set(rng.choices(CLUSTERS, k=rng.randint(1, 3))) | {"ai-safety"}):
        lines.append(f"  - {cluster}")
    date = f"202{rng.randint(4, 6)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if date > "2026-03-10":
        date = "2026-02-14"
    lines.append(f'lastEdited: "{date}"' if rng.random() < 0.6 else f"lastEdited: {date}")
    lines.append(f"subcategory: {rng.choice(category.subcategories)}")
    lines.append(f"entityType: {rng.choice(category.page_types)}")
    if page.category == 0 and rng.random() < 0.6:
        lines.append(f"causalLevel: {rng.choice(('pathway', 'outcome', 'amplifier'))}")
    if rng.random() < 0.15:
        for key in ("tractability", "neglectedness", "uncertainty"):
            lines.append(f"{key}: {rng.randint(5, 95)}")
    if rng.random() < 0.3:
        lines += ["sidebar:", f"  order: {rng.randint(1, 40)}"]
    if rng.random() < 0.05:
        lines.append(f"tacticalValue: {rng.randint(5, 95)}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def render(kb: KB, page: Page) -> str:
    """The full text of one page (a pure function of the plan, the seed and the page index)."""
    rng = random.Random(kb.seed * 1_000_003 + page.index)
    article = Article(kb, page, rng)
    duplicate = page.duplicate_of >= 0
    blocks = _near_duplicate(kb, page, article) if duplicate else article.body_blocks()
    head: list[str] = []
    if page.entity >= 0 and article.mdx and page.fmt != "index" and rng.random() < 0.35:
        article.components.add("DataInfoBox")
        head.append(f'<DataInfoBox entityId="E{kb.entities[page.entity].numeric}" />')
    if page.fmt == "table" and article.mdx and rng.random() < 0.3:
        view = "SafetyApproachesTableView"
        article.components.add(view)
        rows = ", ".join(
            f'{{id: "{kb.entities[i].slug}", label: "{kb.entities[i].title}", '
            f'maturity: "{rng.choice(("early", "deployed", "research"))}"}}'
            for i in article.entity_pool[:4]
        )
        head.append(f"export const rows = [{rows}];")
        blocks.insert(min(3, len(blocks)), f"<{view} rows={{rows}} />")
    if article.footnote_defs:
        blocks.append("\n".join(article.footnote_defs))
    parts = [_frontmatter(article)]
    if article.mdx and article.components:
        names = ", ".join(sorted(article.components, key=_component_order))
        parts.append(f"import {{{names}}} from '@components/wiki';\n\n")
    elif not article.mdx:
        parts.append("\n")
    if head:
        parts.append("\n\n".join(head) + "\n\n")
    parts.append("\n\n".join(blocks))
    parts.append("\n")
    return "".join(parts)


_ORDER = ("EntityLink", "R", "Mermaid", "Aside", "DataInfoBox", "KeyQuestions", "KBF", "Calc")


def _component_order(name: str) -> tuple[int, str]:
    return (_ORDER.index(name) if name in _ORDER else len(_ORDER), name)


def _near_duplicate(kb: KB, page: Page, article: Article) -> list[str]:
    """An edited copy of another article: most blocks kept, about a fifth rewritten."""
    source = kb.pages[page.duplicate_of]
    original = Article(kb, source, random.Random(kb.seed * 1_000_003 + source.index))
    blocks = original.body_blocks()
    article.components |= original.components
    article.footnote_defs = original.footnote_defs
    article.footnotes = original.footnotes
    rng = article.rng
    out = []
    for block in blocks:
        is_prose = not block.startswith(("#", "|", "<", "-", "*", "`", "~", "1.", "["))
        if is_prose and "[^" not in block and rng.random() < 0.2:
            out.append(article.paragraph())
        else:
            out.append(block)
    return out


# --------------------------------------------------------------------------- registries


def _write_registries(kb: KB, root: Path) -> None:
    data = root / "data"
    (data / "entities").mkdir(parents=True, exist_ok=True)
    (data / "resources").mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"registries-{kb.seed}")
    tables = [g.page_table(rng) for g in kb.grammars]
    for c, category in enumerate(CATEGORIES):
        out = [f"# {category.name}: synthetic entities (bench/generate.py)."]
        for i in kb.entities_by_category[c]:
            entity = kb.entities[i]
            out.append(f"- id: {entity.slug}")
            out.append(f"  numericId: E{entity.numeric}")
            out.append(f"  type: {rng.choice(category.registry_types)}")
            out.append(f"  title: {json.dumps(entity.title, ensure_ascii=False)}")
            description = " ".join(rng.choices(kb.pools[c], k=rng.randint(1, 2)))
            description = fill(description, tables[c])
            out.append(f"  description: {_yaml_text(description)}")
            if rng.random() < 0.1:
                alias = json.dumps(f"{entity.title} ({category.name})")
                out += ["  aliases:", f"    - {alias}"]
            if entity.related:
                out.append("  relatedEntries:")
                for j in entity.related:
                    other = kb.entities[j]
                    out.append(f"    - id: {other.slug}")
                    out.append(f"      type: {CATEGORIES[other.category].registry_types[0]}")
                    if rng.random() < 0.4:
                        out.append(f"      relationship: {rng.choice(('related', 'analyzes'))}")
            out.append("")
        (data / "entities" / f"{category.name}.yaml").write_text("\n".join(out), encoding="utf-8")
    papers, web = ["# Papers (synthetic)."], ["# Web pages, blogs and reports (synthetic)."]
    for resource in kb.resources:
        out = papers if resource.kind == "paper" else web
        out.append(f"- id: {_yaml_id(resource.rid)}")
        out.append(f"  url: {resource.url}")
        out.append(f"  title: {json.dumps(resource.title, ensure_ascii=False)}")
        out.append(f"  type: {resource.kind}")
        out.append("  authors:")
        out += [f"    - {a}" for a in resource.authors]
        out.append(
            f'  published_date: "{resource.year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"'
        )
        if resource.stable_id:
            out.append(f"  stable_id: {resource.stable_id}")
        if resource.cited_by:
            out.append("  cited_by:")
            out += [f"    - {kb.pages[p].slug}" for p in resource.cited_by]
        out.append("  tags:")
        out += [f"    - {t}" for t in resource.tags]
        out.append("")
    (data / "resources" / "papers.yaml").write_text("\n".join(papers), encoding="utf-8")
    (data / "resources" / "web.yaml").write_text("\n".join(web), encoding="utf-8")
    articles = [p for p in kb.pages if p.slug != "index"]
    stats = ["# Per-page citation verification statistics (synthetic)."]
    for page in articles:
        if rng.random() < 0.3:
            total = rng.randint(1, 40)
            checked = rng.randint(0, total)
            stats += [
                f"- page: {page.slug}",
                f"  total: {total}",
                f"  withQuotes: {rng.randint(0, total)}",
                f"  accuracyChecked: {checked}",
                f"  inaccurate: {min(checked, rng.choice((0, 0, 0, 1, 2, 3)))}",
            ]
    (data / "citation-stats.yaml").write_text("\n".join(stats) + "\n", encoding="utf-8")
    log = ["# Editorial log (synthetic): one entry per edit, newest last."]
    entries = max(1, len(kb.pages) // 5)
    first, last = datetime.date(2024, 6, 1).toordinal(), datetime.date(2026, 3, 10).toordinal()
    for day in sorted(rng.randint(first, last) for _ in range(entries)):
        date = datetime.date.fromordinal(day).isoformat()
        pages = rng.sample(articles, min(len(articles), rng.randint(1, 4))) if articles else []
        title = rng.choice(
            (
                f"Expand {pages[0].title if pages else 'the'} evidence section",
                "Convert raw links to resource citations",
                f"Add {rng.choice(NOUNS)} table",
                f"Refresh {rng.choice(NOUNS)} figures",
                "Copy-edit and fix footnotes",
            )
        )
        log += [f'- date: "{date}"', f"  title: {json.dumps(title)}", "  pages:"]
        log += [f"    - {p.slug}" for p in pages]
    (data / "edit-log.yaml").write_text("\n".join(log) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- entry points


_STATE: dict[str, KB] = {}  # the plan, inherited by forked workers


def _write_pages(job: tuple[Path, list[int]]) -> None:
    base, indices = job
    kb = _STATE["kb"]
    for index in indices:
        page = kb.pages[index]
        path = base / CATEGORIES[page.category].name / f"{page.slug}{page.ext}"
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(render(kb, page))


def generate(root: Path, n: int, seed: int = 0, jobs: int | None = None) -> None:
    """Write a synthetic KB of `n` articles (plus registries and kblint.yaml) under `root`.

    Pages are rendered by `jobs` forked processes (default: one per CPU); each page has its own
    random stream, so the output is the same for any number of processes.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    root = Path(root)
    kb = KB(n, seed)
    base = root / "content" / "docs" / "knowledge-base"
    for category in CATEGORIES:
        (base / category.name).mkdir(parents=True, exist_ok=True)
    workers = max(1, jobs or os.cpu_count() or 1)
    chunks = max(1, workers * 8)
    work = [(base, list(range(k, n, chunks))) for k in range(chunks)]
    _STATE["kb"] = kb
    try:
        if workers > 1 and n >= 200 and "fork" in mp.get_all_start_methods():
            with mp.get_context("fork").Pool(workers) as pool:
                pending = pool.map_async(_write_pages, work)
                _write_registries(kb, root)  # meanwhile, in this process
                pending.get()
        else:
            for job in work:
                _write_pages(job)
            _write_registries(kb, root)
    finally:
        _STATE.clear()
    (root / "kblint.yaml").write_text(
        "# Synthetic KB written by bench/generate.py\ngit_dates: false\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic knowledge base.")
    parser.add_argument("out", type=Path, help="output folder (created)")
    parser.add_argument("--articles", type=int, default=700, help="number of articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: CPUs)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    generate(args.out, args.articles, args.seed, args.jobs)
    elapsed = time.perf_counter() - started
    files = list((args.out / "content").rglob("*.md*"))
    size = sum(f.stat().st_size for f in files)
    print(
        f"{len(files)} articles, {size / 1e6:.1f} MB ({size / max(1, len(files)) / 1e3:.1f} KB "
        f"each) in {args.out} in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
