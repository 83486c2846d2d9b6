"""SyncSketch REST calls, one method each, on top of the retrying ``HttpClient``.

Kept apart from the connector so that ``syncsketch.py`` reads as "their objects to ours and
back" while the wire details (resource URIs, Tastypie paging, the multipart upload that lives
outside ``/api``) stay here. Every method returns the JSON the service sent; none of them turns
an error into an empty answer.

Credentials travel in the ``Authorization: apikey USER:KEY`` header, never in query strings, so
the ``meta.next`` links the service builds from our query never carry them either.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from math import ceil
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast
from urllib.parse import urlsplit

import requests

from syncd.connectors.http import FileUpload, HttpClient
from syncd.connectors.retry import RetryPolicy
from syncd.errors import FatalError, RetriableError

PAGE_SIZE = 1000
"""Objects asked for per list page: Tastypie's usual cap, so small reviews read in one page."""

T = TypeVar("T")


def item_uri(item_id: int | str) -> str:
    return f"/api/v1/item/{item_id}/"


def frame_uri(frame_id: int | str) -> str:
    return f"/api/v1/frame/{frame_id}/"


def revision_uri(revision_id: int | str) -> str:
    return f"/api/v1/revision/{revision_id}/"


class SyncSketchApi:
    """The REST calls syncd makes, with paging and optional parallel reads.

    ``concurrency`` > 1 lets independent reads (the items and the frames of a review, the pages
    after the first) run side by side; writes stay in the order the engine asks for them.
    """

    def __init__(
        self,
        url: str,
        username: str,
        api_key: str,
        *,
        timeout: float = 60.0,
        retry: RetryPolicy | None = None,
        concurrency: int = 1,
    ) -> None:
        self.http = HttpClient("syncsketch", url, timeout=timeout, retry=retry)
        self.http.session.headers["Authorization"] = f"apikey {username}:{api_key}"
        self.host = urlsplit(self.http.base_url).netloc
        self.concurrency = max(1, concurrency)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    # -- plumbing ------------------------------------------------------------------------------
    def parallel(self, calls: list[Callable[[], T]]) -> list[T]:
        """Run independent calls, side by side when allowed; results in the calls' order."""
        if self.concurrency == 1 or len(calls) < 2:
            return [call() for call in calls]
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.concurrency, "syncsketch")
        futures = [self._pool.submit(call) for call in calls]
        return [future.result() for future in futures]

    def list_all(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every object of a list resource; one request per page of ``PAGE_SIZE``.

        Sequentially it follows ``meta.next`` (the service's own idea of the next page). In
        parallel it reads the first page, then asks for the remaining offsets at once.
        """
        query = {**params, "limit": PAGE_SIZE, "offset": 0}
        first = self._page(path, query)
        meta = first.get("meta") or {}
        objects = list(first["objects"])
        if not meta.get("next"):
            return objects
        if self.concurrency > 1 and isinstance(meta.get("total_count"), int):
            limit = int(meta.get("limit") or PAGE_SIZE)
            offsets = [limit * n for n in range(1, ceil(meta["total_count"] / limit))]
            pages = self.parallel(
                [
                    (lambda o=offset: self._page(path, {**query, "limit": limit, "offset": o}))
                    for offset in offsets
                ]
            )
            for page in pages:
                objects.extend(page["objects"])
            return _unique(objects)
        next_path: str | None = meta["next"]
        while next_path:
            page = self._page(next_path, None)
            objects.extend(page["objects"])
            next_path = (page.get("meta") or {}).get("next")
        return _unique(objects)

    def _page(self, path: str, params: dict[str, Any] | None) -> dict[str, Any]:
        page = self.http.get(path, params=params)
        objects = page.get("objects") if isinstance(page, dict) else None
        if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
            raise FatalError(
                f"syncsketch: GET {path.split('?')[0]}: the answer is not a list page; "
                "is the URL right?"
            )
        return page

    # -- people and reviews --------------------------------------------------------------------
    def connected(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.http.get("/api/v1/person/connected/"))

    def project(self, project_id: int) -> dict[str, Any]:
        return cast(dict[str, Any], self.http.get(f"/api/v1/project/{project_id}/"))

    def review(self, review_id: int) -> dict[str, Any]:
        return cast(dict[str, Any], self.http.get(f"/api/v1/review/{review_id}/"))

    def reviews(self, project_id: int) -> list[dict[str, Any]]:
        return self.list_all("/api/v1/review/", {"project__id": project_id, "active": 1})

    def create_review(self, project_id: int, name: str) -> dict[str, Any]:
        body = {"project": f"/api/v1/project/{project_id}/", "name": name, "description": ""}
        return cast(dict[str, Any], self.http.post("/api/v1/review/", json=body, retry=False))

    # -- items ---------------------------------------------------------------------------------
    def items(self, review_id: int, **filters: Any) -> list[dict[str, Any]]:
        """Active items of a review in display order (the service sorts by ``sortorder``)."""
        params = {"reviews__id": review_id, "active": 1, **filters}
        return self.list_all("/api/v1/item/", params)

    def item(self, item_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], self.http.get(item_uri(item_id)))

    def create_item(self, body: dict[str, Any], *, retry: bool = True) -> dict[str, Any]:
        return cast(dict[str, Any], self.http.post("/api/v1/item/", json=body, retry=retry))

    def patch_item(self, item_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        return cast(dict[str, Any], self.http.patch(item_uri(item_id), json=changes))

    def sort_items(self, review_id: int, order: list[tuple[str, int]]) -> None:
        body = {"items": [{"id": int(i), "sortorder": n} for i, n in order]}
        self.http.put(f"/api/v2/review/{review_id}/sort_items/", json=body)

    def upload(
        self,
        review_id: int,
        path: Path,
        filename: str,
        *,
        name: str | None = None,
        parent_item: str | None = None,
        sha256: str | None = None,
    ) -> dict[str, Any]:
        """One v1 multipart upload, streamed from disk, never retried here: a retry could create
        a second item. The caller decides what a failure means (look for what was created,
        clean up, retry)."""
        params: dict[str, Any] = {"noConvertFlag": 1}
        if parent_item is not None:
            params["itemParentId"] = parent_item
        result = self.http.post(
            f"/items/uploadToReview/{review_id}/",
            params=params,
            upload=FileUpload(
                "reviewFile",
                path,
                filename,
                fields={"name": name} if name else {},
                expected_sha256=sha256,
            ),
            retry=False,
        )
        if not isinstance(result, dict) or "id" not in result:
            raise FatalError("syncsketch: the upload answer names no item; is the URL right?")
        return result

    def stream(self, url: str) -> requests.Response:
        """A streamed GET of media; credentials only go to the API's own host.

        Signed storage URLs (S3 and the like) reject a request that also carries an
        ``Authorization`` header, so it is dropped for any other host.
        """
        headers: dict[str, Any] = {}
        if urlsplit(url).netloc not in ("", self.host):
            headers["Authorization"] = None  # requests drops session headers set to None
        return cast(
            requests.Response,
            self.http.get(url, headers=headers, stream=True, expect_json=False),
        )

    # -- frames (notes) ------------------------------------------------------------------------
    def frames(self, review_id: int, **filters: Any) -> list[dict[str, Any]]:
        """Active frames of every item and revision of a review, in one paged listing."""
        params = {"revision__review_id": review_id, "active": 1, **filters}
        return self.list_all("/api/v1/frame/", params)

    def frame(self, frame_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], self.http.get(frame_uri(frame_id)))

    def create_frame(self, body: dict[str, Any], *, retry: bool = True) -> dict[str, Any]:
        return cast(dict[str, Any], self.http.post("/api/v1/frame/", json=body, retry=retry))

    def patch_frame(self, frame_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        return cast(dict[str, Any], self.http.patch(frame_uri(frame_id), json=changes))

    # -- retrying whole operations ------------------------------------------------------------
    def create_once(
        self, send: Callable[[], T], landed: Callable[[], T | None], *, attempts: int | None = None
    ) -> T:
        """Send a non-idempotent request; after a transient failure, look before retrying."""
        return self.http.retrier.once(send, landed, attempts=attempts)

    def retrying(self, call: Callable[[], T]) -> T:
        """Retry a whole idempotent operation, such as a download that broke off half way."""
        return self.http.retrier.retrying(call)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self.http.close()


def write_stream(response: requests.Response, handle: BinaryIO) -> Iterator[bytes]:
    """Copy a streamed body to ``handle``, yielding each chunk (for hashing on the way)."""
    try:
        for chunk in response.iter_content(chunk_size=1 << 20):
            if chunk:
                handle.write(chunk)
                yield chunk
    except requests.RequestException as exc:
        reason = exc.__class__.__name__
        raise RetriableError(f"syncsketch: the media download broke off ({reason})") from None
    finally:
        response.close()


def _unique(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop repeats that paging can produce when objects are added while pages are read."""
    seen: set[Any] = set()
    out = []
    for obj in objects:
        key = obj.get("id")
        if key in seen:
            continue
        seen.add(key)
        out.append(obj)
    return out
