"""The shipped knowledge base as knowledge: sections checked against the texts, every
actionable section cited, every catalog entry used, facts declared and used, rules
neither duplicated nor copied from the machine translation, conflicts decided on purpose.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from conftest import KNOWLEDGE, RULES

from advisor.api import advise, load_knowledge_base
from advisor.kb.loader import rule_files
from advisor.kb.model import All, Any_, Not
from advisor.kb.model import Test as ConditionTest

DOCUMENTS = KNOWLEDGE / "documents"

#: For every section, a phrase of its passage (case-insensitive) that must lie inside the
#: section's line range - so a citation points at the text it claims to.
ANCHORS = {
    "000#overview": "soft marketing still exists in each marketing link",
    "000#positioning": "positioning links",
    "000#promotion": "promotion links",
    "000#brand": "brand story, media evaluation",
    "000#financing": "financing of the electricity supplier website",
    "000#activities": "promotional events and event marketing on major holidays",
    "000#competition": "expert evaluation",
    "000#pr": "PR links",
    "001#context": "advertising aggression",
    "001#channel-shares": "57% from e-mail",
    "001#mistake-weibo": "social media marketing is the establishment of micro-blog",
    "001#mistake-viral": "ability to control the direction of the virus",
    "001#mistake-hard-ads": "red man account",
    "001#4i-principles": "4I principles",
    "001#4i-interesting": "principle 1: interesting",
    "001#4i-interests": "principle two: interest",
    "001#4i-interaction": "principle three: interaction",
    "001#4i-individuality": "principle four: personalization",
    "001#fine-operation": "fine operation",
    "001#layout": "singing play after the first stage",
    "001#account-matrix": "official account, high-level account and activity account",
    "001#interaction": "interaction is the key",
    "001#interaction-activities": "knowledge quiz",
    "001#conversion": "pform fans into consumers",
    "001#finding-users": "topic search function",
    "001#opinion-leaders": "two level dissemination",
    "001#people-core": "circle culture",
    "001#related-reading": "related reading",
    "002#overview": "top priority in the early stage of the website",
    "002#site-foundation": "customer experience",
    "002#seo": "seo optimization is needed",
    "002#customer-based-plan": "online shopping experience",
    "002#community-promotion": "its effect is gradually declining",
    "002#online-advertising": "online advertising marketing",
    "002#shopping-guides": "rebate websites",
    "002#alliance": "baidu alliance",
    "002#search-bidding": "bidding ranking",
    "002#direct-mail": "posters",
    "002#search-traffic": "80% of the traffic",
    "002#data-collection": "user structure analysis",
    "002#targets": "registered users",
    "002#initial-promotion": "initial promotion of the website",
    "002#initial-submission": "submit web addresses",
    "002#initial-links": "friendship links",
    "002#initial-departments": "other departments",
    "002#initial-resources": "network resources cooperation",
    "002#initial-hype": "network hype",
    "002#operation-promotion": "ppc online advertisements",
    "002#operation-soft-text": "soft text publicity",
    "002#operation-email": "mail promotion",
    "002#operation-membership": "member marketing",
    "002#operation-research": "network research",
    "002#maturity": "brand authority",
    "002#maturity-promotions": "gifts or discounts",
    "002#maturity-holidays": "anniversaries",
    "002#maturity-retention": "online coupons, trial packages",
    "002#maturity-multichannel": "c2c platform or b2c platform",
    "002#everyday-presence": "business cards",
    "002#evaluation": "improve or cancel the bad promotion plan",
    "002#wechat-foundation": "without any foundation",
    "002#wechat-purpose": "cannot be upgraded to the service number",
    "002#wechat-peers": "peers are your best teachers",
    "002#wechat-operate-first": "operate wechat account 1-2 months",
    "002#wechat-activities": "apply for some resources",
    "002#wechat-interaction": "called question and answer",
    "002#wechat-cross-promotion": "complementary industry account",
    "002#wechat-data-review": "analyze data and customers",
    "002#wechat-personnel": "not to add the sales performance",
    "002#wechat-write-plan": "start writing a plan",
    "002#wechat-plan-competitors": "competitor analysis",
    "002#wechat-plan-value": "what value does wechat bring",
    "002#wechat-plan-activities": "xxx activity",
    "002#wechat-plan-concerns": "what do customers care about most",
    "002#wechat-plan-operation": "wechat account operation plan",
    "002#wechat-plan-work": "work assignment",
    "002#wechat-plan-growth": "wechat account development plan",
    "003#business-essence": "marginal cost of sales",
    "003#three-parts": "platform construction, network promotion and customer management",
    "003#marketing-site": "network marketing-oriented web site",
    "003#site-seo": "integrated seo",
    "003#product-linking": "relationship between the products",
    "003#live-service": "robotic dialogue system",
    "003#third-party-platform": "platform as a promotional platform",
    "003#cost-per-user": "single user costs",
    "003#targeting": "directed propagation",
    "003#payment-by-requirement": "primary requirement of your promotion",
    "003#customer-management": "warm database management",
    "003#customer-database": "user database",
    "003#online-services": "faqs, e-mail, online forms",
    "003#customer-care": "birthday blessing",
    "003#carrier": "the network is just a carrier",
    "004#channel-roles": "customer maintenance and repeat purchase channel",
    "004#promotion-channel": "network as a promotion channel",
    "004#sales-channel": "network as a sales channel",
    "004#maintenance-channel": "channel for customer maintenance and repeat purchases",
    "004#high-value-maintenance": "large elevators and wheel aligners",
    "004#multichannel": "membership sales model based on database marketing",
    "004#no-imitation": "simple imitation",
    "004#related-posts": "related posts",
}

#: Sections that carry no guidance, on purpose (noise and background).
NOT_ACTIONABLE = {"001#related-reading", "004#related-posts"}


def _lines(doc: str) -> list[str]:
    return (DOCUMENTS / f"{doc}.txt").read_text(encoding="utf-8").split("\n")


# --------------------------------------------------------------------------- sources


def test_every_section_has_an_anchor_and_nothing_else_does(kb):
    keys = {s.key() for s in kb.catalog.sections()}
    assert keys == set(ANCHORS), (sorted(keys - set(ANCHORS)), sorted(set(ANCHORS) - keys))


def test_section_line_ranges_hold_their_passage(kb):
    problems = []
    for section in kb.catalog.sections():
        lines = _lines(section.doc)
        first, last = section.lines
        if last > len(lines):
            problems.append(f"{section.key()}: lines {first}-{last}, but the document has {len(lines)}")
            continue
        passage = "\n".join(lines[first - 1:last]).lower()
        if not lines[first - 1].strip() or not lines[last - 1].strip():
            problems.append(f"{section.key()}: range {first}-{last} starts or ends on a blank line")
        if ANCHORS[section.key()].lower() not in passage:
            problems.append(f"{section.key()}: {ANCHORS[section.key()]!r} is not in lines {first}-{last}")
    assert not problems, "\n".join(problems)


def test_guidance_is_not_left_outside_every_section(kb):
    """Each non-blank line of a document after its title lies in some section (headings excepted)."""
    # bare headings, carrying no guidance of their own
    allowed_gaps = {("001", 6), ("002", 3), ("002", 103), ("003", 4), ("003", 7), ("003", 12)}
    problems = []
    for document in kb.catalog.documents:
        lines = _lines(document.id)
        covered = {n for s in document.sections for n in range(s.lines[0], s.lines[1] + 1)}
        for number, text in enumerate(lines, 1):
            if number == 1 or not text.strip() or number in covered or (document.id, number) in allowed_gaps:
                continue
            stripped = re.sub(r"<[^>]*>|[<>/p ]", "", text)
            if len(stripped) > 3 and text.strip().lower() != "thumbnail":
                problems.append(f"{document.id}:{number}: {text[:70]!r}")
    assert not problems, "lines in no section:\n" + "\n".join(problems)


def test_only_the_noise_is_marked_not_actionable(kb):
    assert {s.key() for s in kb.catalog.sections() if not s.actionable} == NOT_ACTIONABLE


def test_every_actionable_section_is_cited_by_a_rule(kb):
    cited = {c.key() for rule in kb.rules.rules for c in rule.sources}
    uncited = [s.key() for s in kb.catalog.sections() if s.actionable and s.key() not in cited]
    assert not uncited, f"actionable sections no rule cites: {uncited}"


# --------------------------------------------------------------------------- catalogs


_KIND_CONCLUSION = {"channel": ("recommend", "avoid"), "tactic": ("recommend", "avoid"), "mistake": ("warn",),
                    "kpi": ("kpi",), "step": ("step",)}


@pytest.mark.parametrize("kind", ["channel", "tactic", "mistake", "kpi", "step"])
def test_every_catalog_entry_is_concluded_by_a_rule(kb, kind):
    concluded = {(c.kind, c.target) for rule in kb.rules.rules for c in rule.then}
    unused = [item.id for item in kb.catalog.items_of(kind)
              if not any((k, item.id) in concluded for k in _KIND_CONCLUSION[kind])]
    assert not unused, f"{kind} entries no rule concludes: {unused}"


def test_every_channel_and_tactic_is_recommended_somewhere(kb):
    recommended = {c.target for rule in kb.rules.rules for c in rule.then if c.kind == "recommend"}
    never = [i.id for i in kb.catalog.items_of("channel", "tactic") if i.id not in recommended]
    assert not never, f"channels/tactics only ever advised against: {never}"


def test_mistake_targets_are_channels_or_tactics(kb):
    for mistake in kb.catalog.items_of("mistake"):
        for target in mistake.get("targets", ()):
            item = kb.catalog.item(target)
            assert item is not None and item.kind in ("channel", "tactic"), (mistake.id, target)


def test_every_field_is_tested_by_some_rule(kb):
    used = set().union(*(rule.fields_used() for rule in kb.rules.rules))
    assert [f.id for f in kb.fields.fields if f.id not in used] == []


# --------------------------------------------------------------------------- derived facts


def _rule_file_data() -> dict[str, dict]:
    return {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in rule_files([RULES])}


def test_derived_facts_are_declared_in_the_file_that_derives_them(kb):
    data = _rule_file_data()
    by_area = {d["area"]: (name, set((d.get("facts") or {}))) for name, d in data.items()}
    for rule in kb.rules.rules:
        name, declared = by_area[rule.area]
        missing = rule.facts_derived() - declared
        assert not missing, f"{rule.id} derives {missing}, not declared under facts: in {name}"
    for name, d in data.items():
        derived_here = {c["derive"] for r in d["rules"] for c in r["then"] if "derive" in c}
        assert set(d.get("facts") or {}) == derived_here, f"{name}: declared facts it does not derive"


def test_every_derived_fact_is_used(kb):
    used = set().union(*(rule.facts_used() for rule in kb.rules.rules))
    derived = set().union(*(rule.facts_derived() for rule in kb.rules.rules))
    assert derived - used == set(), f"derived facts no rule tests: {sorted(derived - used)}"


# --------------------------------------------------------------------------- rules


def _norm(condition) -> object:
    """A canonical, order-free form of a condition (for spotting duplicates)."""
    if condition is None:
        return None
    if isinstance(condition, ConditionTest):
        value = tuple(sorted(condition.value)) if isinstance(condition.value, (list, tuple)) else condition.value
        return ("test", condition.kind, condition.name, condition.op, value)
    if isinstance(condition, Not):
        return ("not", _norm(condition.item))
    kind = "all" if isinstance(condition, All) else "any"
    assert isinstance(condition, (All, Any_))
    return (kind, tuple(sorted(map(repr, map(_norm, condition.items)))))


def test_no_two_rules_share_a_condition_and_a_conclusion(kb):
    seen: dict[tuple, str] = {}
    for rule in kb.rules.rules:
        for c in rule.then:
            key = (repr(_norm(rule.when)), c.kind, c.target)
            assert key not in seen, f"{rule.id} and {seen[key]} both conclude {c.kind} {c.target} on the same condition"
            seen[key] = rule.id


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def test_rationales_and_notes_are_our_own_words(kb):
    """No rationale, note, catalog text or section summary repeats eight consecutive
    words of the machine translation."""
    size = 8
    grams = set()
    for path in DOCUMENTS.glob("*.txt"):
        words = _words(path.read_text(encoding="utf-8"))
        grams |= {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}
    texts = [(rule.id, text) for rule in kb.rules.rules
             for text in [rule.because] + [c.note for c in rule.then if c.note]]
    texts += [(item.id, text) for item in kb.catalog.items for text in (item.description, item.get("fix") or "")]
    texts += [(section.key(), section.summary) for section in kb.catalog.sections()]
    copied = []
    for where, text in texts:
        words = _words(text)
        if any(tuple(words[i:i + size]) in grams for i in range(len(words) - size + 1)):
            copied.append(f"{where}: {text[:80]}")
    assert not copied, "\n".join(copied)


def test_disagreements_are_decided_by_distinct_priorities(kb):
    """Wherever rules recommend an item that other rules avoid (or warn of a mistake
    targeting it), their priorities differ, so no conflict is left to the tie-break."""
    pro: dict[str, list] = defaultdict(list)
    con: dict[str, list] = defaultdict(list)
    for rule in kb.rules.rules:
        for c in rule.then:
            if c.kind == "recommend":
                pro[c.target].append(rule)
            elif c.kind == "avoid":
                con[c.target].append(rule)
            elif c.kind == "warn":
                for target in kb.catalog.item(c.target).get("targets", ()):
                    con[target].append(rule)
    ties = [(item, a.id, b.id) for item in pro for a in pro[item] for b in con.get(item, ()) if a.priority == b.priority]
    assert not ties, ties
    # a mistake's `defers` sequences an item instead of vetoing it ("first fix X, then Y")
    deferred = {target for m in kb.catalog.items_of("mistake") for target in m.get("defers", ())}
    decided = {item for item in pro if item in con} | (deferred & set(pro))
    assert len(decided) >= 8, "the knowledge base decides at least eight disagreements (vetoes or sequences)"


def test_a_mistake_either_vetoes_or_sequences_an_item_never_both(kb):
    """`targets` forbids an item for the business that makes the mistake; `defers` lets it wait for the fix."""
    for mistake in kb.catalog.items_of("mistake"):
        assert not set(mistake.get("targets", ())) & set(mistake.get("defers", ())), mistake.id


# --------------------------------------------------------------------------- ordering attributes


@pytest.mark.parametrize("kind", ["channel", "tactic", "step"])
def test_every_channel_tactic_and_step_says_what_it_serves_and_costs(kb, kind):
    """The next moves are chosen by these (docs/report.md): none may be missing."""
    missing = [f"{item.id}: {key}" for item in kb.catalog.items_of(kind) for key in ("goals", "effort", "cost")
               if not item.get(key)]
    assert not missing, missing


def test_every_ordering_attribute_is_cited_or_marked_as_judgement(kb):
    """An attribute no `grounds` entry cites from the sources is the advisor's judgement, and says so."""
    from advisor.kb.catalog import ORDERING_KEYS

    problems = []
    for item in kb.catalog.items:
        ours = [key for key in ORDERING_KEYS if item.get(key) and not item.grounds_of(key)
                and not (key == "phase" and item.kind == "step")]
        if ours and not item.get("judgement"):
            problems.append(f"{item.id}: {', '.join(ours)} rest on no quote and no judgement says so")
    assert not problems, "\n".join(problems)


def test_what_the_texts_say_about_order_is_cited_not_assumed(kb):
    """The three orderings the sources state in so many words are grounded in their sentences."""
    said = {("community-promotion", "cost"): "most economical",
            ("search-bidding", "cost"): "paying a high price may be very rewarding",
            ("write-messenger-plan", "after"): "1-2 months first",
            ("seo", "after"): "Do a good job of website experience"}
    for (item, key), words in said.items():
        quotes = [q for g in kb.catalog.item(item).grounds_of(key) for q in g.citation.quotes]
        assert any(words in q for q in quotes), (item, key, quotes)


def test_every_mistake_names_what_fixes_it_or_what_waits_for_it(kb):
    for mistake in kb.catalog.items_of("mistake"):
        assert mistake.get("fixed_by") or mistake.get("defers"), mistake.id


def test_warnings_with_targets_outrank_every_recommendation_of_them(kb):
    """A warning beaten by a recommendation disappears from the report, so the mistakes
    that target items must always win against them."""
    recommenders: dict[str, list] = defaultdict(list)
    for rule in kb.rules.rules:
        for c in rule.then:
            if c.kind == "recommend":
                recommenders[c.target].append(rule.priority)
    for rule in kb.rules.rules:
        for c in rule.then:
            if c.kind != "warn":
                continue
            for target in kb.catalog.item(c.target).get("targets", ()):
                assert all(rule.priority > p for p in recommenders[target]), (rule.id, target)


def test_every_recommendation_avoidance_and_step_says_what_to_do(kb):
    """A consultant's advice is concrete: each of these conclusions carries a note."""
    missing = [f"{rule.id}: {c.kind} {c.target}" for rule in kb.rules.rules for c in rule.then
               if c.kind in ("recommend", "avoid", "step") and not c.note]
    assert not missing, missing


def test_derived_facts_never_take_two_values(kb):
    """Every derive conclusion sets the fact to true; no overriding is needed."""
    assert all(c.value is True for rule in kb.rules.rules for c in rule.then if c.kind == "derive")


# --------------------------------------------------------------------------- every rule can fire

#: Minimal profiles for rules the bundled examples do not trigger.
EXTRA_PROFILES = {
    "about-to-sell-in-more-channels": {"plans_to_start": ["multichannel"], "offline_channels": ["physical_stores"],
                                       "storefront": "none"},
    "one-member-base-for-new-channels": {"plans_to_start": ["multichannel"], "storefront": "own_site",
                                         "offline_channels": []},
    "known-brand-keeps-its-voice": {"brand_awareness": "famous", "messenger_purpose": "promotion",
                                    "messenger_account": "none"},
    "stores-join-big-sales": {"price_level": "luxury", "product_type": "physical_goods",
                              "offline_channels": ["physical_stores"]},
    "audience-on-sns": {"audience_hangouts": ["sns"]},
    "wechat-subscription-is-final": {"market": "cn", "messenger_purpose": "service", "messenger_account": "none"},
    "b2c-builds-own-mall": {"business_model": "B2C", "business_stage": "planning", "product_type": "physical_goods"},
    "both-purposes-add-subscription": {"messenger_purpose": "both", "messenger_account": "service"},
    "decide-the-requirement": {"marketing_budget": "small"},
    "maturity-multichannel": {"business_stage": "mature", "storefront": "own_site", "price_level": "low",
                              "product_type": "physical_goods"},
    "pay-for-awareness": {"marketing_budget": "small", "primary_goal": "awareness"},
    "posters-for-offline-shoppers": {"business_model": "B2C", "storefront": "own_site",
                                     "audience_online_shoppers": "few"},
    "stage-early-by-months": {"months_online": 5},
    "stage-established-by-months": {"months_online": 30},
}


@pytest.mark.parametrize("rule_id", sorted(EXTRA_PROFILES))
def test_minimal_profiles_fire_the_rules_the_examples_miss(kb, rule_id):
    report = advise(kb, EXTRA_PROFILES[rule_id])
    assert rule_id in {r["id"] for r in report["fired_rules"]}


def test_every_rule_fires_for_some_example_or_minimal_profile(kb):
    import json

    from conftest import EXAMPLES

    fired = set()
    profiles = [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))] + list(EXTRA_PROFILES.values())
    for raw in profiles:
        report = advise(kb, raw)
        fired |= {r["id"] for r in report["fired_rules"]}
    never = sorted(r.id for r in kb.rules.rules if r.id not in fired)
    assert not never, f"rules no profile fires (unsatisfiable, or add a profile): {never}"


def test_rule_files_are_one_per_area():
    data = _rule_file_data()
    areas = [d["area"] for d in data.values()]
    assert len(areas) == len(set(areas))
    assert all(Path(name).stem == d["area"] for name, d in data.items())


# --------------------------------------------------------------------------- docs/guidance.md


GUIDANCE = Path(__file__).resolve().parent.parent / "docs" / "guidance.md"


def _guidance_sections() -> dict[str, list[str]]:
    """Section key -> the bullet lines under its heading."""
    out: dict[str, list[str]] = {}
    current = None
    for line in GUIDANCE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### (\d{3}#[a-z0-9-]+) - ", line)
        if heading:
            current = heading.group(1)
            assert current not in out, f"{current} appears twice in docs/guidance.md"
            out[current] = []
        elif line.startswith("## "):
            current = None
        elif current and line.startswith("- "):
            out[current].append(line)
    return out


def test_guidance_lists_every_section_in_document_order(kb):
    keys = list(_guidance_sections())
    assert keys == [s.key() for s in kb.catalog.sections()]


def test_guidance_gives_every_actionable_section_its_rules(kb):
    sections = _guidance_sections()
    for section in kb.catalog.sections():
        bullets = sections[section.key()]
        if not section.actionable:
            assert not bullets, f"{section.key()} is marked not actionable but lists guidance"
            continue
        assert bullets, f"{section.key()} lists no guidance"
        for bullet in bullets:
            assert "rules: `" in bullet or "not encoded:" in bullet, f"{section.key()}: {bullet[:60]}"


def test_guidance_names_only_real_rules_and_every_rule(kb):
    text = GUIDANCE.read_text(encoding="utf-8")
    named = set()
    for line in text.splitlines():
        if "rules: `" in line:
            named |= set(re.findall(r"`([a-z0-9][a-z0-9-]*)`", line.split("rules: ", 1)[1]))
    ids = {rule.id for rule in kb.rules.rules}
    assert named - ids == set(), f"docs/guidance.md names rules that do not exist: {sorted(named - ids)}"
    assert ids - named == set(), f"rules docs/guidance.md does not mention: {sorted(ids - named)}"


def test_guidance_rules_cite_the_section_they_are_listed_under(kb):
    """A rule listed under a section cites that section (or is a listed conflict partner)."""
    by_id = kb.rules.by_id()
    problems = []
    for key, bullets in _guidance_sections().items():
        for bullet in bullets:
            if "rules: `" not in bullet or "conflict" in bullet.lower():
                continue
            for rule_id in re.findall(r"`([a-z0-9][a-z0-9-]*)`", bullet.split("rules: ", 1)[1]):
                if key not in {c.key() for c in by_id[rule_id].sources}:
                    problems.append(f"{key}: {rule_id} does not cite it")
    assert not problems, "\n".join(problems)


def test_guidance_names_only_real_rules_and_items_anywhere(kb):
    """Rule and catalog ids in the conflicts and thresholds tables exist too."""
    ids = {rule.id for rule in kb.rules.rules} | {item.id for item in kb.catalog.items}
    areas = {rule.area for rule in kb.rules.rules}
    tokens = set(re.findall(r"`([a-z0-9][a-z0-9-]*)`", GUIDANCE.read_text(encoding="utf-8")))
    unknown = tokens - ids - areas - {"conflicts", "sequences", "defers"}  # report and catalog keys
    assert not unknown, f"docs/guidance.md names unknown ids: {sorted(unknown)}"


# --------------------------------------------------------------------------- quotes and basis


def test_every_citation_quotes_its_section_and_every_rule_states_its_basis():
    """The loader checked every quote against its section; here: every citation has one, short, and
    every rule says its basis, with a judgement exactly when it is the advisor's reading or assumption."""
    from advisor.kb.model import BASES

    kb = load_knowledge_base(use_cache=False)
    problems = []
    for rule in kb.rules.rules:
        for citation in rule.sources:
            if not citation.quotes:
                problems.append(f"{rule.id}: {citation.key()} quotes nothing")
            problems += [f"{rule.id}: a quote of {len(q)} characters (at most 300)" for q in citation.quotes
                         if len(q) > 300]
        if rule.basis not in BASES:
            problems.append(f"{rule.id}: basis {rule.basis!r}")
        if bool(rule.judgement) != (rule.basis != "source"):
            problems.append(f"{rule.id}: basis {rule.basis} with{'' if rule.judgement else 'out'} a judgement")
    assert not problems, "\n".join(problems)


def test_a_quote_its_section_does_not_hold_is_refused(tmp_path):
    """E310, at the quote, naming the document and section."""
    from advisor.errors import RuleFileError

    text = (RULES / "customers.yaml").read_text(encoding="utf-8")
    first = re.search(r"quote: >-\n(\s+)(\S[^\n]*)", text)
    assert first, "customers.yaml has a folded quote to spoil"
    spoiled = text.replace(first.group(2), "Customers are always right and never wrong at all " + first.group(2), 1)
    (tmp_path / "customers.yaml").write_text(spoiled, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_knowledge_base(rules=[tmp_path], use_cache=False)
    message = caught.value.render()
    assert "[E310]" in message and "does not hold the words quoted: 'Customers are always right" in message
    assert message.startswith(str(tmp_path / "customers.yaml") + ":")


def test_guidance_gives_the_judgement_of_every_reading_and_assumption():
    """docs/guidance.md names each rule whose basis is reading or assumption with its judgement."""
    text = GUIDANCE.read_text(encoding="utf-8")
    lines = {m.group(1): (m.group(2), " ".join(m.group(3).split()))
             for m in re.finditer(r"^  - `([a-z0-9-]+)` \((reading|assumption)\): (.*)$", text, flags=re.M)}
    problems = []
    for path in rule_files([RULES]):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            if rule["basis"] == "source":
                if rule["id"] in lines:
                    problems.append(f"{rule['id']}: a source rule listed with a judgement")
                continue
            want = (rule["basis"], " ".join(rule["judgement"].split()))
            if lines.get(rule["id"]) != want:
                problems.append(f"{rule['id']}: docs/guidance.md does not give its {rule['basis']} and judgement")
    assert not problems, "\n".join(problems)
