"""The document store: long markdown documents in folders, searchable, editable.

Documents are 1-5 k words and mention issue ids (`API-12`) and customer ids (`C-0042`), so a program
can follow them into the tracker and the CRM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from codemode.world.clock import Clock
from codemode.world.common import check_limit, lookup
from codemode.world.errors import InvalidRequestError
from codemode.world.prose import word_count

__all__ = ["Document", "DocumentStore", "DocumentSummary", "Folder", "SearchHit", "summary_of"]

Folder = Literal["runbooks", "design", "meeting-notes", "policies", "proposals", "postmortems"]

DOC_HINT = "list_documents() or search_documents(query) list document ids"
SNIPPET_CHARS = 240


class DocumentSummary(BaseModel):
    id: str = Field(description="Document id, e.g. `DOC-0007`; pass it to get_document for the text")
    title: str = Field(description="Title")
    folder: Folder = Field(description="Folder the document is filed in")
    author: str = Field(description="Staff user name of the author")
    tags: list[str] = Field(description="Tags")
    word_count: int = Field(description="Length of the body in words")
    updated_at: str = Field(description="ISO 8601 UTC timestamp of the last change")


class Document(DocumentSummary):
    created_at: str = Field(description="ISO 8601 UTC timestamp")
    body: str = Field(description="Full text in markdown")


class SearchHit(BaseModel):
    id: str = Field(description="Document id")
    title: str = Field(description="Title")
    folder: Folder = Field(description="Folder")
    score: int = Field(description="Relevance: occurrences of the query words, title matches count 10x")
    snippet: str = Field(description="About 240 characters of the body around the first match")


def summary_of(document: Document) -> DocumentSummary:
    return DocumentSummary.model_validate(document.model_dump(exclude={"created_at", "body"}))


def snippet(body: str, word: str) -> str:
    """The text around the first occurrence of `word`, on one line, with ellipses where cut."""
    at = max(0, body.lower().find(word))
    start = max(0, at - SNIPPET_CHARS // 3)
    end = min(len(body), start + SNIPPET_CHARS)
    text = re.sub(r"\s+", " ", body[start:end]).strip()
    return ("..." if start > 0 else "") + text + ("..." if end < len(body) else "")


@dataclass
class DocumentStore:
    """Documents by id, in id order."""

    clock: Clock
    """The world's clock, ticked by every write."""
    documents: dict[str, Document] = field(default_factory=dict)
    """All documents by id."""

    def list_documents(
        self,
        folder: Folder | None = None,
        tag: str | None = None,
        author: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[DocumentSummary]:
        check_limit(limit, 200, offset)
        chosen = [
            summary_of(doc)
            for doc in self.documents.values()
            if (folder is None or doc.folder == folder)
            and (tag is None or tag in doc.tags)
            and (author is None or doc.author == author)
        ]
        return chosen[offset : offset + limit]

    def search_documents(self, query: str, folder: Folder | None = None, limit: int = 10) -> list[SearchHit]:
        """Documents containing every word of `query` (title or body), best first."""
        check_limit(limit, 100)
        words = query.lower().split()
        if not words:
            raise InvalidRequestError("`query` is empty; pass words to search for, or use list_documents()")
        hits = []
        for doc in self.documents.values():
            if folder is not None and doc.folder != folder:
                continue
            title, body = doc.title.lower(), doc.body.lower()
            counts = [10 * title.count(word) + body.count(word) for word in words]
            if all(counts):
                hit = SearchHit(
                    id=doc.id,
                    title=doc.title,
                    folder=doc.folder,
                    score=sum(counts),
                    snippet=snippet(doc.body, words[0]),
                )
                hits.append(hit)
        hits.sort(key=lambda hit: -hit.score)
        return hits[:limit]

    def get_document(self, document_id: str) -> Document:
        return lookup(self.documents, document_id, "document", DOC_HINT)

    def create_document(
        self, title: str, body: str, folder: Folder, tags: list[str], author: str
    ) -> Document:
        if not title.strip():
            raise InvalidRequestError("document `title` is empty; give the document a title")
        now = self.clock.tick()
        doc_id = f"DOC-{len(self.documents) + 1:04d}"
        while doc_id in self.documents:  # never reuse an id, even after deletes
            doc_id = f"DOC-{int(doc_id[4:]) + 1:04d}"
        document = Document(
            id=doc_id,
            title=title,
            folder=folder,
            author=author,
            tags=tags,
            word_count=word_count(body),
            updated_at=now,
            created_at=now,
            body=body,
        )
        self.documents[doc_id] = document
        return document

    def update_document(
        self,
        document_id: str,
        title: str | None = None,
        body: str | None = None,
        append: str | None = None,
        tags: list[str] | None = None,
    ) -> Document:
        document = self.get_document(document_id)
        if body is not None and append is not None:
            raise InvalidRequestError(
                f"update of document `{document.id}` sets both `body` and `append`; pass one of them"
            )
        if title is None and body is None and append is None and tags is None:
            raise InvalidRequestError(f"update of document `{document.id}` changes nothing; set a field")
        if title is not None:
            document.title = title
        if body is not None:
            document.body = body
        if append is not None:
            document.body = document.body.rstrip("\n") + "\n\n" + append
        if tags is not None:
            document.tags = tags
        document.word_count = word_count(document.body)
        document.updated_at = self.clock.tick()
        return document
