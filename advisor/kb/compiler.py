"""Rules -> durable-rules rulesets, sharded to fit the C engine's fixed limits.

Assumptions and method
----------------------
* A rule's condition is put in disjunctive normal form; each conjunction (an
  *alternative*) becomes one durable rule whose patterns are: a start fact, the
  positive tests, then the negated tests as ``$not`` patterns. Each test is a
  single-property expression on one small fact (see :mod:`advisor.kb.facts`).
* Rules are stratified by the derived facts they use
  (:func:`advisor.kb.loader.dependency_levels`); all rulesets of one level run
  before the next level, so one ordered pass reaches the fixpoint and negation
  of a derived fact is only tested once every rule deriving it has run.
* Alternatives are packed greedily, in level order, into rulesets (*shards*)
  while a model of the alpha network that ``rete.c`` builds stays within the
  compile-time limits of ``durable_rules_engine`` with a safety margin:

  - children of the root node (a 512-slot table; ``create_ruleset`` hangs when
    it fills): :data:`ROOT_CHILDREN_CAP`;
  - beta nodes fed by one alpha node (``BETA_LIST_LENGTH`` 256): :data:`BETA_CAP`;
  - ``$or`` forward nodes hanging off one alpha node (``NEXT_LIST_LENGTH`` 128):
    :data:`NEXT_CAP`;
  - alpha nodes one asserted fact can match at once, counting the ``$or``
    forward nodes it reaches (``MAX_STACK_SIZE`` 64, events.c): :data:`STACK_CAP`,
    computed over every value the fact can take;
  - actions one profile can queue in a shard (``MAX_ACTIONS`` 4096): :data:`ACTION_CAP`.

  Every alternative has a start-fact pattern naming its level and group; start
  facts come in groups of :data:`START_GROUP` alternatives so that no start node
  feeds more than ``BETA_CAP`` beta nodes.

* A shard holds rules of any levels: the engine asserts a profile's facts into
  each shard once, then one level's start facts at a time (with the derived
  facts settled so far), so the facts are matched once per shard rather than
  once per level.

The output, :class:`CompiledBase`, is plain data (JSON text and tuples) so it
can be cached on disk and handed to worker processes.

Long by design: turning tests into patterns, the model of the alpha network
and the greedy packer are one algorithm over one private pattern record and
one set of caps; split apart, each part would have to reach into the others.

Stage: kb.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from .compiled import CompiledBase, Shard
from .conditions import dnf
from .facts import START_PROP, derived_prop, fact_text, field_prop, group_of, member_prop
from .fields import FieldSet
from .levels import dependency_levels
from .model import Rule, RuleBase, Test

__all__ = [
    "Shard",
    "CompiledBase",
    "compile_rules",
    "ROOT_CHILDREN_CAP",
    "BETA_CAP",
    "NEXT_CAP",
    "STACK_CAP",
    "ACTION_CAP",
    "START_GROUP",
    "MAX_PATTERNS",
]

ROOT_CHILDREN_CAP = 400
BETA_CAP = 240
NEXT_CAP = 112
STACK_CAP = 48
ACTION_CAP = 3000
START_GROUP = 200
VARIANT_CAP = 2000
#: ``MAX_MESSAGE_FRAMES`` (16) bounds the patterns of one durable rule; one is the start fact.
MAX_PATTERNS = 15


_NUMERIC = {"less_than": "$lt", "at_most": "$lte", "greater_than": "$gt", "at_least": "$gte"}


# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class _Pattern:
    """One durable pattern and what it adds to the alpha network."""

    expr: dict[str, Any]
    prop: str
    nodes: tuple[tuple, ...]  # root-child alpha nodes it uses: (prop, op, value)
    is_or: bool  # True: an $or, which adds one private forward node
    multiplicity: int  # how many facts it can match at once


def _domains(rules: Iterable[Rule], fields: FieldSet) -> dict[str, list[Any]]:
    """Every value each property can take, where that is finite."""
    out: dict[str, list[Any]] = {}
    for f in fields.fields:
        domain = f.domain()
        if domain is not None:
            out[field_prop(f.id) if f.type != "multi" else member_prop(f.id)] = list(domain)
    derived: dict[str, dict[Any, None]] = {}
    for rule in rules:
        for c in rule.then:
            if c.kind == "derive":
                derived.setdefault(derived_prop(c.target), {})[_freeze(c.value)] = None
    for prop, values in derived.items():
        out[prop] = list(values)
    return out


def _freeze(value: Any) -> Any:
    return value


def _prop(test: Test, fields: FieldSet) -> str:
    if test.kind == "fact":
        return derived_prop(test.name)
    if test.op in ("contains", "contains_any"):
        return member_prop(test.name)
    return field_prop(test.name)


def _literal_pattern(positive: bool, test: Test, fields: FieldSet,
                     domains: dict[str, list[Any]]) -> tuple[bool, _Pattern | None] | None:
    """Translate a literal into (positive, pattern).

    Returns None when the literal can never hold (the alternative is dropped)
    and ``(positive, None)`` when it always holds (the literal is dropped).
    """
    prop = _prop(test, fields)
    op, value = test.op, test.value
    if op == "answered":
        positive = positive == bool(value)
        return positive, _Pattern({"$ex": {prop: 1}}, prop, ((prop, "ex", 1),), False, 1)
    if op == "not_in":
        domain = domains.get(prop)
        if domain is None:
            raise ValueError(f"not_in needs a finite domain: {test}")
        rest = tuple(v for v in domain if v not in set(value))
        if not rest:  # answered and outside every value: impossible
            return None if positive else (positive, None)
        op, value = "in", rest
    if op in ("in", "contains_any"):
        values = tuple(value)
        domain = domains.get(prop)
        if domain is not None:
            values = tuple(v for v in values if v in domain)
            if not values:
                return None if positive else (positive, None)
        if len(values) == 1:
            op, value = "equals", values[0]
        else:
            expr = {"$or": [{prop: v} for v in values]}
            nodes = tuple((prop, "eq", v) for v in values)
            multiplicity = len(values) if prop.startswith("m_") else 1
            return positive, _Pattern(expr, prop, nodes, True, multiplicity)
    if op in ("equals", "contains"):
        return positive, _Pattern({prop: value}, prop, ((prop, "eq", value),), False, 1)
    if op in _NUMERIC:
        durable_op = _NUMERIC[op]
        return positive, _Pattern({durable_op: {prop: value}}, prop, ((prop, durable_op, value),), False, 1)
    raise ValueError(f"operator {op!r} reached the compiler")


# --------------------------------------------------------------------------- shards


def start_value(level: int, group: int) -> str:
    """The value of the start fact of one level's group of rules."""
    return f"{level}.{group}"


@dataclass
class _ShardBuilder:
    """One shard being packed, with the model of the alpha network it will build.

    Every pattern is ``{"$and": [{"$ex": {group: 1}}, {"$ex": {prop: 1}}, <test>]}``
    (see :data:`advisor.kb.facts.GROUPS`): the root of the network has one child per
    group of properties (plus the start nodes), a group's node one child per
    property, and each property's tests hang off its "exists" node. A fact's lookup
    at a node walks the node's children table linearly (one run of a 512-slot
    table), so nodes with few children are what keep asserting a fact cheap.
    """

    index: int
    nodes: dict[str, dict[tuple, None]] = field(default_factory=dict)  # prop -> tests under its "exists" node
    beta: dict[tuple, int] = field(default_factory=dict)
    forwards: dict[tuple, int] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: list[tuple[str, str]] = field(default_factory=list)
    per_level: dict[int, int] = field(default_factory=dict)  # level -> alternatives
    gated: dict[int, int] = field(default_factory=dict)  # level -> alternatives with a start pattern
    action_load: dict[int, int] = field(default_factory=dict)  # level -> actions one profile can queue
    likelihood: dict[str, float] = field(default_factory=dict)  # durable rule name -> rough share of profiles

    def root_children(self, props: Iterable[str] = ()) -> int:
        groups = {group_of(prop) for prop in self.nodes} | {group_of(prop) for prop in props}
        return len(groups) + sum(1 + (n - 1) // START_GROUP for n in self.gated.values())

    def fits(self, patterns: list[tuple[bool, _Pattern]], multiplicity: int, level: int, gate: bool,
             domains: dict[str, list[Any]]) -> bool:
        if len(self.rules) >= VARIANT_CAP or self.action_load.get(level, 0) + multiplicity > ACTION_CAP:
            return False
        new_nodes: dict[str, dict[tuple, None]] = {}
        beta: dict[tuple, int] = {}
        forwards: dict[tuple, int] = {}
        new_props = []
        for _, pattern in patterns:
            known = self.nodes.get(pattern.prop)
            if known is None and pattern.prop not in new_nodes:
                new_props.append(pattern.prop)
                new_nodes[pattern.prop] = {}
            for node in pattern.nodes:
                if node[1] != "ex" and (known is None or node not in known):
                    new_nodes.setdefault(pattern.prop, {})[node] = None
                if pattern.is_or:
                    forwards[node] = forwards.get(node, 0) + 1
            if not pattern.is_or:
                end = pattern.nodes[0]
                beta[end] = beta.get(end, 0) + 1
        root = self.root_children(new_props)
        if gate and self.gated.get(level, 0) % START_GROUP == 0:
            root += 1  # a new start node
        if root > ROOT_CHILDREN_CAP:
            return False
        for group in {group_of(prop) for prop in new_props}:  # a group node's children: its properties
            if sum(1 for prop in list(self.nodes) + new_props if group_of(prop) == group) > ROOT_CHILDREN_CAP:
                return False
        for prop, added in new_nodes.items():
            if len(self.nodes.get(prop, ())) + len(added) > ROOT_CHILDREN_CAP:
                return False
        if any(self.beta.get(node, 0) + n > BETA_CAP for node, n in beta.items()):
            return False
        if any(self.forwards.get(node, 0) + n > NEXT_CAP for node, n in forwards.items()):
            return False
        for prop in {p.prop for _, p in patterns}:
            if not new_nodes.get(prop) and not any(node[0] == prop for node in forwards):
                continue  # nothing new under this property: its need was checked when it last grew
            nodes = [(prop, "ex", 1)] + list(self.nodes.get(prop, {})) + list(new_nodes.get(prop, {}))
            fwd = {node: self.forwards.get(node, 0) + forwards.get(node, 0) for node in nodes}
            if _stack_need(nodes, fwd, domains.get(prop)) > STACK_CAP:
                return False
        return True

    def add(self, name: str, rule_id: str, patterns: list[tuple[bool, _Pattern]], multiplicity: int,
            level: int, gate: bool, domains: dict[str, list[Any]]) -> None:
        self.per_level[level] = self.per_level.get(level, 0) + 1
        start_pattern = None
        if gate:
            group = self.gated.get(level, 0) // START_GROUP
            self.gated[level] = self.gated.get(level, 0) + 1
            start_id = start_value(level, group)
            start = (START_PROP, "eq", start_id)
            self.beta[start] = self.beta.get(start, 0) + 1
            start_pattern = {"s": {START_PROP: start_id}}
        # Positive tests first, the most selective first so that fewer partial matches are
        # built (durable joins the patterns of a rule in order), then the start fact if the
        # rule has one, then the negations. See compile_rules for which rules need a start.
        positives = sorted((p for p in patterns if p[0]), key=lambda p: _selectivity(p[1], domains))
        negatives = [p for p in patterns if not p[0]]
        body: list[dict[str, Any]] = []
        for index, (positive, pattern) in enumerate(positives + negatives):
            if index == len(positives) and start_pattern is not None:
                body.append(start_pattern)
            alias = f"c{index}" if positive else f"c{index}$not"
            body.append({alias: _wrapped(pattern)})
            bucket = self.nodes.setdefault(pattern.prop, {})
            for node in pattern.nodes:
                if node[1] != "ex":
                    bucket[node] = None
                if pattern.is_or:
                    self.forwards[node] = self.forwards.get(node, 0) + 1
            if not pattern.is_or:
                self.beta[pattern.nodes[0]] = self.beta.get(pattern.nodes[0], 0) + 1
        if not negatives and start_pattern is not None:
            body.append(start_pattern)
        # "dist": 0 lets one fact satisfy two patterns of a rule (a range is two tests on one answer)
        self.rules[name] = {"dist": 0, "all": body}
        self.likelihood[name] = _likelihood(patterns, domains)
        self.actions.append((name, rule_id))
        self.action_load[level] = self.action_load.get(level, 0) + multiplicity

    def build(self, name: str) -> Shard:
        starts = []
        for level in sorted(self.gated):
            groups = 1 + (self.gated[level] - 1) // START_GROUP
            starts.append((level, ",".join(fact_text(START_PROP, start_value(level, g)) for g in range(groups))))
        props = tuple(sorted(self.nodes))
        # durable hands out queued actions by scanning its rules in this order from the first,
        # once per action: the rules most likely to fire go first (stable for equal estimates)
        order = sorted(self.rules, key=lambda rule: -self.likelihood[rule])
        definition = json.dumps({rule: self.rules[rule] for rule in order}, ensure_ascii=False,
                                separators=(",", ":"), sort_keys=False)
        return Shard(name, definition, props, tuple(starts), tuple(self.actions), tuple(sorted(self.per_level)))


def _wrapped(pattern: _Pattern) -> dict[str, Any]:
    """The pattern's test under its group's and its property's "exists" nodes (see :class:`_ShardBuilder`)."""
    path = [{"$ex": {group_of(pattern.prop): 1}}, {"$ex": {pattern.prop: 1}}]
    if pattern.nodes[0][1] == "ex":  # "answered": the property's own node
        return {"$and": path}
    return {"$and": path + [pattern.expr]}


def _selectivity(pattern: _Pattern, domains: dict[str, list[Any]]) -> float:
    """A rough share of profiles a pattern matches, to join the rarest patterns first."""
    size = len(domains.get(pattern.prop) or ()) or 2
    if pattern.nodes[0][1] == "ex":
        share = 0.9
    elif pattern.nodes[0][1] != "eq":
        share = 0.5  # a numeric comparison
    else:
        share = min(1.0, len(pattern.nodes) / size)
        if pattern.prop.startswith("d_") and size == 1:
            share = 0.5  # a derived fact that is either true or absent
    return share


def _likelihood(patterns: list[tuple[bool, _Pattern]], domains: dict[str, list[Any]]) -> float:
    """A rough share of profiles an alternative fires for (its tests taken as independent)."""
    share = 1.0
    for positive, pattern in patterns:
        one = _selectivity(pattern, domains)
        share *= one if positive else 1.0 - one
    return share


def _matches(node: tuple, value: Any) -> bool:
    _, op, operand = node
    if op == "ex":
        return True
    if op == "eq":
        return value == operand and type(value) is type(operand) or (
            isinstance(value, (int, float)) and isinstance(operand, (int, float))
            and not isinstance(value, bool) and not isinstance(operand, bool) and value == operand)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or isinstance(operand, bool) \
            or not isinstance(operand, (int, float)):
        return False
    return {"$lt": value < operand, "$lte": value <= operand, "$gt": value > operand, "$gte": value >= operand}[op]


def _stack_need(nodes: list[tuple], forwards: dict[tuple, int], domain: list[Any] | None) -> int:
    """The most alpha nodes (plus forward nodes) one fact on this property can reach."""
    probes: list[Any] = list(domain) if domain is not None else []
    numbers = sorted({n[2] for n in nodes if isinstance(n[2], (int, float)) and not isinstance(n[2], bool)})
    if numbers:
        probes.extend(numbers)
        probes.extend((a + b) / 2 for a, b in zip(numbers, numbers[1:]))
        probes.extend((numbers[0] - 1, numbers[-1] + 1))
    probes.extend(n[2] for n in nodes if n[1] == "eq")
    worst = 0
    for value in probes:
        need = 0
        for node in nodes:
            if _matches(node, value):
                need += 1 + forwards.get(node, 0)
        worst = max(worst, need)
    return worst + 2  # the fact's own path from the root


def compile_rules(base: RuleBase, fields: FieldSet, *, prefix: str = "kb") -> CompiledBase:
    """Compile a rule base into shards; see the module notes."""
    rules = list(base.rules)
    levels = dependency_levels(rules)
    domains = _domains(rules, fields)
    # the level after which each derived fact is settled (its last deriver has run)
    settled: dict[str, int] = {}
    for rule in rules:
        for fact in rule.facts_derived():
            settled[fact] = max(settled.get(fact, 0), levels[rule.id])
    # Rules that test the same derived fact go together, so that each shard needs few of
    # the derived facts' alpha nodes (with many derived facts, the root's children are what
    # fills a shard); the order of placement does not change what fires.
    ordered = sorted(range(len(rules)), key=lambda i: (min(rules[i].facts_used(), default=""), levels[rules[i].id], i))
    builders: list[_ShardBuilder] = [_ShardBuilder(0)]
    never = []
    for rule_index in ordered:
        rule = rules[rule_index]
        level = levels[rule.id]
        any_alternative = False
        for alt_index, alternative in enumerate(dnf(rule.when)):
            patterns = []
            possible = True
            for positive, test in alternative:
                translated = _literal_pattern(positive, test, fields, domains)
                if translated is None:
                    possible = False
                    break
                pos, pattern = translated
                if pattern is not None:
                    patterns.append((pos, pattern))
            if not possible:
                continue
            any_alternative = True
            multiplicity = 1
            for pos, pattern in patterns:
                if pos:
                    multiplicity *= pattern.multiplicity
            gate = needs_start(patterns, settled)
            builder = _place(builders, patterns, multiplicity, level, gate, domains)
            if builder is None:
                builder = _ShardBuilder(len(builders))
                builders.append(builder)
                if not builder.fits(patterns, multiplicity, level, gate, domains):
                    raise ValueError(f"rule {rule.id!r} alone exceeds the engine's limits")
            builder.add(f"r{rule_index}_{alt_index}", rule.id, patterns, multiplicity, level, gate, domains)
        if not any_alternative:
            never.append(rule.id)
    shards = tuple(builder.build(f"{prefix}_s{number}")
                   for number, builder in enumerate(b for b in builders if b.rules))
    derivations = tuple(
        (rule.id, tuple((c.target, c.value) for c in rule.then if c.kind == "derive"))
        for rule in rules if rule.facts_derived()
    )
    return CompiledBase(
        shards=shards,
        level_count=1 + max(levels.values(), default=-1),
        rule_levels=tuple(sorted(levels.items())),
        derivations=derivations,
        priorities=tuple(sorted((r.id, r.priority) for r in rules)),
        never=tuple(sorted(never)),
    )


def needs_start(patterns: list[tuple[bool, _Pattern]], settled: dict[str, int]) -> bool:
    """Whether an alternative needs its level's start fact before it may complete.

    The engine asserts all of a profile's answers in its first call, and a derived
    fact in the call for the level after the one that settles it. A negation is
    only reliable in durable when the negated fact is already there as the rest of
    the rule arrives (a fact arriving after the rule completed does not withdraw
    the queued action: ``deleteDownstreamFrames`` reads a frame's messages by slot,
    not through its index, and misses them). So an alternative completes by itself
    when it has no negation, or when its latest positive fact is a derived fact
    asserted in a later call than every fact it negates. Every other alternative
    (and one with no positive pattern, which nothing else would trigger) waits for
    the start fact of its level, asserted after every fact it tests.
    """
    positives = [p for pos, p in patterns if pos]
    negatives = [p for pos, p in patterns if not pos]
    if not positives:
        return True
    if not negatives:
        return False
    latest = max((settled[p.prop[2:]] for p in positives if p.prop.startswith("d_")), default=-1)
    if latest < 0:
        return True
    return any(settled[p.prop[2:]] >= latest for p in negatives if p.prop.startswith("d_"))


def _place(builders: list[_ShardBuilder], patterns: list[tuple[bool, _Pattern]], multiplicity: int, level: int,
           gate: bool, domains: dict[str, list[Any]]) -> _ShardBuilder | None:
    """The open shard to add an alternative to: the newest one if it fits, else the first that fits.

    Every shard stays open, so a later rule can fill the room an earlier one left.
    """
    if builders[-1].fits(patterns, multiplicity, level, gate, domains):
        return builders[-1]
    for builder in builders[:-1]:
        if builder.fits(patterns, multiplicity, level, gate, domains):
            return builder
    return None
