"""The issue tracker: issues in projects, with labels, assignees, comments and affected customers.

Issue ids are `<PROJECT>-<n>` (`API-12`); `customer_ids` point into the CRM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from codemode.world import vocabulary as v
from codemode.world.clock import Clock
from codemode.world.common import check_limit, check_user, lookup
from codemode.world.errors import InvalidRequestError

__all__ = [
    "Comment",
    "Issue",
    "IssueListItem",
    "IssuePage",
    "IssueRef",
    "IssueStatus",
    "IssueTracker",
    "IssueType",
    "Priority",
    "Project",
    "ProjectKey",
    "Resolution",
    "ref_of",
]

ProjectKey = Literal["API", "WEB", "MOB", "BILL", "OPS"]
IssueStatus = Literal["open", "in_progress", "blocked", "closed"]
Priority = Literal["low", "medium", "high", "critical"]
IssueType = Literal["bug", "feature", "task"]
Resolution = Literal["fixed", "wont_fix", "duplicate"]

ISSUE_HINT = "list_issues() lists issue ids"


class Comment(BaseModel):
    id: str = Field(description="Comment id, e.g. `CM-00031`")
    author: str = Field(description="User name of the author")
    created_at: str = Field(description="ISO 8601 UTC timestamp")
    body: str = Field(description="Comment text (markdown)")


class IssueFields(BaseModel):
    id: str = Field(description="Issue key, e.g. `API-12`")
    project: ProjectKey = Field(description="Project key")
    title: str = Field(description="One-line summary")
    description: str = Field(description="Full description (markdown)")
    type: IssueType = Field(description="Kind of issue")
    status: IssueStatus = Field(description="Workflow status")
    priority: Priority = Field(description="Priority")
    labels: list[str] = Field(description="Labels, e.g. `bug`, `customer-reported`")
    assignee: str | None = Field(description="User name of the assignee, null when unassigned")
    reporter: str = Field(description="User name of the reporter")
    customer_ids: list[str] = Field(description="CRM ids of the customers affected, e.g. `C-0042`")
    created_at: str = Field(description="ISO 8601 UTC timestamp")
    updated_at: str = Field(description="ISO 8601 UTC timestamp of the last change")
    closed_at: str | None = Field(description="ISO 8601 UTC timestamp, null while not closed")
    resolution: Resolution | None = Field(description="Why it was closed, null while not closed")


class Issue(IssueFields):
    comments: list[Comment] = Field(description="Comments, oldest first")


class IssueListItem(IssueFields):
    comment_count: int = Field(description="Number of comments; get_issue returns them")


class IssueRef(BaseModel):
    """What a write returns: enough to confirm it and to refer to the issue; get_issue has the rest."""

    id: str = Field(description="Issue key, e.g. `API-12`")
    title: str = Field(description="One-line summary")
    status: IssueStatus = Field(description="Workflow status")
    priority: Priority = Field(description="Priority")
    assignee: str | None = Field(description="User name of the assignee, null when unassigned")
    labels: list[str] = Field(description="Labels")
    updated_at: str = Field(description="ISO 8601 UTC timestamp of the last change")


class IssuePage(BaseModel):
    issues: list[IssueListItem] = Field(description="The issues of this page, oldest first")
    total: int = Field(description="Number of issues matching the filters, over all pages")
    next_offset: int | None = Field(description="`offset` for the next page, null on the last page")


class Project(BaseModel):
    key: ProjectKey = Field(description="Project key, the prefix of its issue ids")
    name: str = Field(description="What the project covers")
    open_issues: int = Field(description="Issues not closed")
    total_issues: int = Field(description="All issues")


def ref_of(issue: Issue) -> IssueRef:
    """The short form of `issue` that writes return."""
    return IssueRef.model_validate(issue.model_dump(include=set(IssueRef.model_fields)))


def list_item(issue: Issue) -> IssueListItem:
    return IssueListItem.model_validate(
        {**issue.model_dump(exclude={"comments"}), "comment_count": len(issue.comments)}
    )


@dataclass
class IssueTracker:
    """Issues by id, in creation order."""

    clock: Clock
    """The world's clock, ticked by every write."""
    issues: dict[str, Issue] = field(default_factory=dict)
    """All issues by id."""
    next_comment: int = 1
    """Number of the next comment id."""

    def list_projects(self) -> list[Project]:
        projects = []
        for key, name in v.PROJECTS.items():
            mine = [issue for issue in self.issues.values() if issue.project == key]
            open_count = sum(issue.status != "closed" for issue in mine)
            projects.append(Project(key=key, name=name, open_issues=open_count, total_issues=len(mine)))  # type: ignore[arg-type]
        return projects

    def list_issues(
        self,
        project: ProjectKey | None = None,
        status: IssueStatus | None = None,
        priority: Priority | None = None,
        label: str | None = None,
        assignee: str | None = None,
        customer_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> IssuePage:
        check_limit(limit, 200, offset)
        customer = customer_id.strip().upper() if customer_id else None
        matching = [
            issue
            for issue in self.issues.values()
            if (project is None or issue.project == project)
            and (status is None or issue.status == status)
            and (priority is None or issue.priority == priority)
            and (label is None or label in issue.labels)
            and (assignee is None or issue.assignee == assignee)
            and (customer is None or customer in issue.customer_ids)
        ]
        page = [list_item(issue) for issue in matching[offset : offset + limit]]
        more = offset + limit < len(matching)
        return IssuePage(issues=page, total=len(matching), next_offset=offset + limit if more else None)

    def get_issue(self, issue_id: str) -> Issue:
        return lookup(self.issues, issue_id, "issue", ISSUE_HINT)

    def create_issue(
        self,
        project: ProjectKey,
        title: str,
        description: str,
        type: IssueType,
        priority: Priority,
        labels: list[str],
        assignee: str | None,
        customer_ids: list[str],
        reporter: str,
    ) -> Issue:
        if not title.strip():
            raise InvalidRequestError("issue `title` is empty; give a one-line summary")
        if assignee is not None:
            check_user(assignee, "assignee")
        number = 1 + sum(issue.project == project for issue in self.issues.values())
        now = self.clock.tick()
        issue = Issue(
            id=f"{project}-{number}",
            project=project,
            title=title,
            description=description,
            type=type,
            status="open",
            priority=priority,
            labels=labels,
            assignee=assignee,
            reporter=reporter,
            customer_ids=[customer.strip().upper() for customer in customer_ids],
            created_at=now,
            updated_at=now,
            closed_at=None,
            resolution=None,
            comments=[],
        )
        self.issues[issue.id] = issue
        return issue

    def add_comment(self, issue_id: str, body: str, author: str) -> Comment:
        issue = self.get_issue(issue_id)
        if not body.strip():
            raise InvalidRequestError(f"comment on issue `{issue.id}` is empty; pass the text as `body`")
        now = self.clock.tick()
        comment = Comment(id=f"CM-{self.next_comment:05d}", author=author, created_at=now, body=body)
        self.next_comment += 1
        issue.comments.append(comment)
        issue.updated_at = now
        return comment

    def update_issue(
        self,
        issue_id: str,
        status: IssueStatus | None = None,
        priority: Priority | None = None,
        assignee: str | None = None,
        labels: list[str] | None = None,
    ) -> Issue:
        issue = self.get_issue(issue_id)
        if status is None and priority is None and assignee is None and labels is None:
            raise InvalidRequestError(f"update of issue `{issue.id}` changes nothing; set a field")
        if status == "closed":
            raise InvalidRequestError(f"to close issue `{issue.id}` use close_issue(id, resolution)")
        if assignee is not None:
            check_user(assignee, "assignee")
            issue.assignee = assignee
        if status is not None:
            issue.status = status
            issue.closed_at = issue.resolution = None
        if priority is not None:
            issue.priority = priority
        if labels is not None:
            issue.labels = labels
        issue.updated_at = self.clock.tick()
        return issue

    def close_issue(self, issue_id: str, resolution: Resolution, comment: str | None, author: str) -> Issue:
        issue = self.get_issue(issue_id)
        if issue.status == "closed":
            raise InvalidRequestError(f"issue `{issue.id}` is already closed ({issue.resolution})")
        if comment:
            self.add_comment(issue.id, comment, author)
        issue.status = "closed"
        issue.resolution = resolution
        issue.closed_at = issue.updated_at = self.clock.tick()
        return issue
