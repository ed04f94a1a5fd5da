"""The `tracker` namespace: thin typed wrappers over `IssueTracker`."""

from codemode.sources.python import PythonTools
from codemode.world.tracker import (
    Comment,
    Issue,
    IssuePage,
    IssueRef,
    IssueStatus,
    IssueTracker,
    IssueType,
    Priority,
    Project,
    ProjectKey,
    Resolution,
    ref_of,
)

__all__ = ["tracker_tools"]


def tracker_tools(tracker: IssueTracker) -> PythonTools:
    """The `tracker` tools over `tracker`."""
    tools = PythonTools(
        "tracker", description="Issue tracker: bugs, features and tasks per project, with comments."
    )

    @tools.tool
    async def list_projects() -> list[Project]:
        """List the projects with their issue counts."""
        return tracker.list_projects()

    @tools.tool
    async def list_issues(
        project: ProjectKey | None = None,
        status: IssueStatus | None = None,
        priority: Priority | None = None,
        label: str | None = None,
        assignee: str | None = None,
        customer_id: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> IssuePage:
        """List issues oldest first, with their descriptions (not their comments), one page at a time.

        Args:
            project: Only issues of this project.
            status: Only issues in this status.
            priority: Only issues with this priority.
            label: Only issues carrying this label.
            assignee: Only issues assigned to this user name.
            customer_id: Only issues affecting this CRM customer id.
            limit: Page size, 1-200.
            offset: Number of matching issues to skip; use `next_offset` of the previous page.
        """
        return tracker.list_issues(project, status, priority, label, assignee, customer_id, limit, offset)

    @tools.tool
    async def get_issue(issue_id: str) -> Issue:
        """Get one issue with all its comments.

        Args:
            issue_id: Issue key, e.g. `API-12`.
        """
        return tracker.get_issue(issue_id)

    @tools.tool
    async def create_issue(
        project: ProjectKey,
        title: str,
        description: str = "",
        type: IssueType = "bug",
        priority: Priority = "medium",
        labels: list[str] | None = None,
        assignee: str | None = None,
        customer_ids: list[str] | None = None,
        reporter: str = "assistant",
    ) -> IssueRef:
        """Open a new issue; returns its new key and status.

        Args:
            project: Project key.
            title: One-line summary.
            description: Full description in markdown.
            type: Kind of issue.
            priority: Priority.
            labels: Labels.
            assignee: User name to assign it to.
            customer_ids: CRM ids of the affected customers.
            reporter: Who reports it.
        """
        issue = tracker.create_issue(
            project, title, description, type, priority, labels or [], assignee, customer_ids or [], reporter
        )
        return ref_of(issue)

    @tools.tool
    async def add_comment(issue_id: str, body: str, author: str = "assistant") -> Comment:
        """Comment on an issue.

        Args:
            issue_id: Issue key, e.g. `API-12`.
            body: Comment text in markdown.
            author: Who writes it.
        """
        return tracker.add_comment(issue_id, body, author)

    @tools.tool
    async def update_issue(
        issue_id: str,
        status: IssueStatus | None = None,
        priority: Priority | None = None,
        assignee: str | None = None,
        labels: list[str] | None = None,
    ) -> IssueRef:
        """Change an issue's status, priority, assignee or labels; returns its new state.

        To close an issue use close_issue; setting an open status on a closed issue reopens it.

        Args:
            issue_id: Issue key, e.g. `API-12`.
            status: New status (not `closed`).
            priority: New priority.
            assignee: New assignee user name.
            labels: New labels, replacing the old ones.
        """
        return ref_of(tracker.update_issue(issue_id, status, priority, assignee, labels))

    @tools.tool
    async def close_issue(
        issue_id: str, resolution: Resolution = "fixed", comment: str | None = None, author: str = "assistant"
    ) -> IssueRef:
        """Close an issue with a resolution, optionally adding a closing comment.

        Args:
            issue_id: Issue key, e.g. `API-12`.
            resolution: Why it is closed.
            comment: Closing comment.
            author: Who closes it.
        """
        return ref_of(tracker.close_issue(issue_id, resolution, comment, author))

    return tools
