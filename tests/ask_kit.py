"""A tiny, self-contained knowledge base for the interview tests (fields, catalogs, rules).

The shipped knowledge/ is being expanded in parallel, so the tests of the
questionnaire's logic use their own fields and rules, written so that which
questions matter can be worked out by hand.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

FIELDS = """
groups:
  - {id: shop, label: Your shop}
  - {id: web, label: Your website}
  - {id: extra, label: Odds and ends}
fields:
  - id: sells
    type: choice
    group: shop
    label: What it sells
    description: What the shop mainly sells.
    question: What do you mainly sell?
    help: Goods and services are sold differently.
    choices:
      - {id: goods, label: Goods you can hold}
      - {id: services, label: Services}
    default: goods
  - id: price
    type: choice
    group: shop
    label: Price level
    description: How expensive a purchase is.
    question: How expensive is a typical purchase?
    help: Expensive services need personal contact.
    choices:
      - {id: low, label: Cheap}
      - {id: high, label: Expensive}
  - id: staff
    type: integer
    group: shop
    label: Staff
    description: People working on marketing.
    question: How many people work on marketing?
    minimum: 0
    maximum: 100
    unit: people
    default: 1
  - id: channels
    type: multi
    group: shop
    label: Offline channels
    description: Offline channels in use.
    question: Which offline channels do you sell through?
    choices:
      - {id: shops, label: Our own shops}
      - {id: dealers, label: Dealers}
    default: []
  - id: has_site
    type: boolean
    group: web
    label: Has a website
    description: Whether the shop has its own website.
    question: Do you have your own website?
    default: false
  - id: site_quality
    type: choice
    group: web
    label: Site quality
    description: How good the website is.
    question: How good is your website?
    choices:
      - {id: poor, label: Poor}
      - {id: good, label: Good}
    ask_if: {field: has_site, equals: true}
  - id: audience
    type: choice
    group: web
    label: Audience
    description: Who visits the website.
    question: Who visits your website?
    choices:
      - {id: young, label: Mostly young people}
      - {id: old, label: Mostly older people}
  - id: mood
    type: boolean
    group: extra
    label: Mood
    description: A field no rule uses.
    question: Are you in a good mood today?
    default: true
"""

SOURCES = """
documents:
  - id: "000"
    title: A test document
    sections:
      - id: all
        title: The whole text
        lines: [1, 1]
        summary: Everything the test rules need to cite.
"""

TACTICS = """
kind: tactic
items:
  - {id: personal-closing, name: Close sales in person, description: Meet expensive buyers in person., sources: [{doc: "000", section: all}]}
  - {id: fix-site, name: Fix the website, description: Make the website easy to use., sources: [{doc: "000", section: all}]}
  - {id: young-content, name: Content for young visitors, description: Write for a young audience., sources: [{doc: "000", section: all}]}
"""

MISTAKES = """
kind: mistake
items:
  - id: dealer-conflict
    name: Undercutting your dealers
    description: Selling online below the dealers' prices.
    fix: Keep one price list for every channel.
    severity: high
    sources: [{doc: "000", section: all}]
"""

STEPS = """
kind: step
items:
  - {id: hire-help, name: Get help with marketing, description: One person cannot do everything., phase: prepare, sources: [{doc: "000", section: all}]}
"""

RULES = """
area: test
title: Interview test rules
facts:
  online: The shop has its own website.
rules:
  - id: expensive-services-in-person
    title: Close expensive services in person
    when:
      all:
        - {field: sells, equals: services}
        - {field: price, equals: high}
    then:
      - recommend: personal-closing
    because: Expensive services need trust.
    source: {doc: "000", section: all}
  - id: has-site-online
    title: A website means the shop is online
    when: {field: has_site, equals: true}
    then:
      - derive: online
    because: The site is the shop online.
    source: {doc: "000", section: all}
  - id: fix-poor-site
    title: Fix a poor site
    when:
      all:
        - fact: online
        - {field: site_quality, equals: poor}
    then:
      - recommend: fix-site
    because: A poor site loses buyers.
    source: {doc: "000", section: all}
  - id: young-audience
    title: Write for young visitors
    when:
      all:
        - fact: online
        - {field: audience, equals: young}
    then:
      - recommend: young-content
    because: Young visitors want different content.
    source: {doc: "000", section: all}
  - id: dealers-conflict
    title: Dealers and the web
    when: {field: channels, contains: dealers}
    then:
      - warn: dealer-conflict
    because: Online prices undercut dealers.
    source: {doc: "000", section: all}
  - id: small-team
    title: A small team needs help
    when: {field: staff, less_than: 2}
    then:
      - step: hire-help
    because: One person cannot run every channel.
    source: {doc: "000", section: all}
"""


def write_kb(root: Path, rules: str = RULES, fields: str = FIELDS) -> tuple[Path, Path]:
    """Write the test knowledge and rules under ``root``; returns (knowledge folder, rules folder)."""
    knowledge = root / "knowledge"
    rule_dir = root / "rules"
    for folder in (knowledge, rule_dir):
        folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("fields.yaml", fields), ("sources.yaml", SOURCES), ("tactics.yaml", TACTICS),
                       ("mistakes.yaml", MISTAKES), ("steps.yaml", STEPS)):
        (knowledge / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    (rule_dir / "test.yaml").write_text(textwrap.dedent(rules).lstrip(), encoding="utf-8")
    return knowledge, rule_dir
