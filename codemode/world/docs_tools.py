"""The `docs` namespace: thin typed wrappers over `DocumentStore`."""

from codemode.sources.python import PythonTools
from codemode.world.docs import Document, DocumentStore, DocumentSummary, Folder, SearchHit, summary_of

__all__ = ["docs_tools"]


def docs_tools(store: DocumentStore) -> PythonTools:
    """The `docs` tools over `store`."""
    tools = PythonTools(
        "docs",
        description="Document store: runbooks, designs, meeting notes, policies, proposals, postmortems.",
    )

    @tools.tool
    async def list_documents(
        folder: Folder | None = None,
        tag: str | None = None,
        author: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[DocumentSummary]:
        """List documents in id order, without their text.

        Args:
            folder: Only documents in this folder.
            tag: Only documents with this tag.
            author: Only documents by this staff user name.
            limit: Maximum number of results, 1-200.
            offset: Number of matching documents to skip, for paging.
        """
        return store.list_documents(folder, tag, author, limit, offset)

    @tools.tool
    async def search_documents(query: str, folder: Folder | None = None, limit: int = 10) -> list[SearchHit]:
        """Full-text search: documents containing every word of the query, best match first, with a snippet.

        Args:
            query: Words to search for (case-insensitive), e.g. `webhook timeout` or an issue key `API-12`.
            folder: Only search this folder.
            limit: Maximum number of results, 1-100.
        """
        return store.search_documents(query, folder, limit)

    @tools.tool
    async def get_document(document_id: str) -> Document:
        """Get a document with its full markdown text (often several thousand words).

        Args:
            document_id: Document id, e.g. `DOC-0007`.
        """
        return store.get_document(document_id)

    @tools.tool
    async def create_document(
        title: str, body: str, folder: Folder, tags: list[str] | None = None, author: str = "assistant"
    ) -> DocumentSummary:
        """Create a document; returns its summary with the new id.

        Args:
            title: Title.
            body: Full text in markdown.
            folder: Folder to file it in.
            tags: Tags.
            author: Who wrote it.
        """
        return summary_of(store.create_document(title, body, folder, tags or [], author))

    @tools.tool
    async def update_document(
        document_id: str,
        title: str | None = None,
        body: str | None = None,
        append: str | None = None,
        tags: list[str] | None = None,
    ) -> DocumentSummary:
        """Change a document's title, tags or text; returns its summary.

        Args:
            document_id: Document id, e.g. `DOC-0007`.
            title: New title.
            body: New full text, replacing the old one.
            append: Markdown to add at the end (instead of `body`).
            tags: New tags, replacing the old ones.
        """
        return summary_of(store.update_document(document_id, title, body, append, tags))

    return tools
