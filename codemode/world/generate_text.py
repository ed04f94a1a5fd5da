"""Seeded generation of the text-heavy data: tracker issues with comments, and long documents.

Issues name affected CRM customers; documents mention issues and customers, so tasks can chain from a
document to the tracker to the CRM.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from codemode.world import vocabulary as v
from codemode.world.clock import days_before, iso
from codemode.world.crm import Customer
from codemode.world.docs import Document
from codemode.world.prose import Prose, word_count
from codemode.world.tracker import Comment, Issue

__all__ = ["generate_documents", "generate_issues"]

ISSUES = 240
DOCUMENTS = 40
MIN_WORDS, MAX_WORDS = 1000, 5000


def issue_description(rng: random.Random, prose: Prose, customers: Sequence[Customer]) -> str:
    parts = [prose.paragraph(rng.randint(2, 5))]
    if customers:
        names = ", ".join(f"{c.name} [{c.id}]" for c in customers)
        parts.append(f"Reported by: {names}.")
    if rng.random() < 0.6:
        parts.append("Steps to reproduce:\n" + prose.bullets(rng.randint(2, 5), numbered=True))
    parts.append(prose.paragraph(rng.randint(1, 3)))
    return "\n\n".join(parts)


def generate_issues(rng: random.Random, prose: Prose, customers: dict[str, Customer]) -> dict[str, Issue]:
    customer_list = list(customers.values())
    projects = tuple(v.PROJECTS)
    counters = dict.fromkeys(projects, 0)
    ages = sorted((rng.uniform(1, 720) for _ in range(ISSUES)), reverse=True)
    issues: dict[str, Issue] = {}
    comment_number = 1
    for age in ages:
        project = rng.choice(projects)
        counters[project] += 1
        affected = rng.sample(customer_list, rng.randint(1, 3)) if rng.random() < 0.45 else []
        labels = set(rng.sample(v.ISSUE_LABELS, rng.randint(0, 3)))
        if affected:
            labels.add("customer-reported")
        issue_type = rng.choices(("bug", "feature", "task"), (55, 25, 20))[0]
        status = rng.choices(("open", "in_progress", "blocked", "closed"), (35, 15, 8, 42))[0]
        comment_ages = sorted((rng.uniform(0, age) for _ in range(rng.randint(0, 6))), reverse=True)
        comments = []
        for ago in comment_ages:
            body = prose.paragraph(rng.randint(1, 3))
            author = rng.choice(v.STAFF)
            created_at = iso(days_before(ago))
            comments.append(
                Comment(id=f"CM-{comment_number:05d}", author=author, created_at=created_at, body=body)
            )
            comment_number += 1
        closed_age = rng.uniform(0, age) if status == "closed" else None
        updated_age = min([age, *comment_ages, *([closed_age] if closed_age is not None else [])])
        issue_id = f"{project}-{counters[project]}"
        issues[issue_id] = Issue(
            id=issue_id,
            project=project,  # type: ignore[arg-type]
            title=f"{rng.choice(v.ISSUE_PROBLEMS)} {rng.choice(v.COMPONENTS)}",
            description=issue_description(rng, prose, affected),
            type=issue_type,  # type: ignore[arg-type]
            status=status,  # type: ignore[arg-type]
            priority=rng.choices(("low", "medium", "high", "critical"), (25, 40, 25, 10))[0],
            labels=sorted(labels),
            assignee=rng.choice(v.STAFF) if rng.random() < 0.8 else None,
            reporter=rng.choice(v.STAFF),
            customer_ids=[c.id for c in affected],
            created_at=iso(days_before(age)),
            updated_at=iso(days_before(updated_age)),
            closed_at=iso(days_before(closed_age)) if closed_age is not None else None,
            resolution=rng.choice(("fixed", "fixed", "fixed", "wont_fix", "duplicate"))
            if closed_age is not None
            else None,
            comments=comments,
        )
    return issues


def document_title(rng: random.Random, folder: str, when: str) -> str:
    component = rng.choice(v.COMPONENTS)
    if folder == "runbooks":
        return f"Runbook: {rng.choice(v.ISSUE_PROBLEMS).lower()} {component}"
    if folder == "design":
        return f"Design: {rng.choice(v.ADJECTIVES)} {component}"
    if folder == "meeting-notes":
        return f"{rng.choice(list(v.PROJECTS.values()))} sync, {when[:10]}"
    if folder == "policies":
        kind = rng.choice(("retention", "access", "review", "escalation"))
        return f"{rng.choice(v.NOUNS).title()} {kind} policy"
    if folder == "proposals":
        return f"Proposal: {rng.choice(v.ADJECTIVES)} {rng.choice(v.NOUNS)} for the {component}"
    return f"Postmortem: {component} outage on {when[:10]}"


def generate_documents(
    rng: random.Random, prose: Prose, customers: dict[str, Customer], issues: dict[str, Issue]
) -> dict[str, Document]:
    customer_list = list(customers.values())
    issue_ids = list(issues)
    documents: dict[str, Document] = {}
    for number in range(1, DOCUMENTS + 1):
        folder = v.DOC_FOLDERS[(number - 1) % len(v.DOC_FOLDERS)]
        created = rng.uniform(10, 700)
        updated = rng.uniform(0, created)
        mentions = rng.sample(issue_ids, rng.randint(1, 5))
        mentions += [f"{c.name} [{c.id}]" for c in rng.sample(customer_list, rng.randint(0, 3))]
        title = document_title(rng, folder, iso(days_before(created)))
        body = prose.document(folder, title, rng.randint(MIN_WORDS, MAX_WORDS), mentions)
        doc_id = f"DOC-{number:04d}"
        documents[doc_id] = Document(
            id=doc_id,
            title=title,
            folder=folder,  # type: ignore[arg-type]
            author=rng.choice(v.STAFF),
            tags=sorted(rng.sample(v.ISSUE_LABELS[:10], rng.randint(0, 3))),
            word_count=word_count(body),
            updated_at=iso(days_before(updated)),
            created_at=iso(days_before(created)),
            body=body,
        )
    return documents
