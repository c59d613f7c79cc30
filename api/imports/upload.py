"""Receiving an uploaded file without holding it in memory, and without reading past the limit.

The request body is streamed through a counter into Starlette's multipart parser, which keeps
a file part in memory up to 1 MiB and spools the rest to a temporary file. A declared
``Content-Length`` over the limit is refused before a byte is read; a body that grows past it
(chunked uploads declare nothing) is refused as soon as it does. The file is then copied to a
temporary file named with its extension, which the importer reads, and deleted afterwards.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import BinaryIO

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from api.errors import ApiProblem

__all__ = ["FILE_FIELD", "SUFFIXES", "Upload", "received_upload"]

#: The form field that carries the file.
FILE_FIELD = "file"
#: What the importer reads, by extension; a content type stands in for a missing name.
SUFFIXES = (".csv", ".xlsx")
_BY_CONTENT_TYPE = {
    "text/csv": ".csv", "application/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
#: Room in the body for the multipart boundaries, part headers and the option fields.
OVERHEAD_BYTES = 64 * 1024
_MAX_FIELDS = 10
_MAX_FIELD_BYTES = 1024
_COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Upload:
    """A received file: where it is now, its name as sent, its size and SHA-256, and the
    other form fields."""

    path: Path
    filename: str
    size: int
    sha256: str
    fields: dict[str, str]


def _too_large(limit: int) -> ApiProblem:
    return ApiProblem(413, "too-large", "detail.upload_too_large", params={"limit": limit})


async def _limited(stream: AsyncIterator[bytes], limit: int
                   ) -> AsyncGenerator[bytes, None]:
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > limit:
            raise _too_large(limit - OVERHEAD_BYTES)
        yield chunk


def _suffix(upload: UploadFile) -> str:
    name = PurePath(upload.filename or "").name
    suffix = PurePath(name).suffix.casefold()
    if not suffix:
        content_type = (upload.content_type or "").split(";")[0].strip().casefold()
        suffix = _BY_CONTENT_TYPE.get(content_type, "")
    if suffix not in SUFFIXES:
        raise ApiProblem(415, "unsupported-media-type", "detail.upload_format",
                         params={"name": name or upload.content_type or "?"})
    return suffix


def _copy(source: BinaryIO, target: Path, limit: int) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    source.seek(0)
    with target.open("wb") as out:
        while chunk := source.read(_COPY_CHUNK):
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


@asynccontextmanager
async def received_upload(request: Request, *, max_bytes: int) -> AsyncIterator[Upload]:
    """The file of a ``multipart/form-data`` request, in field ``file``, at most ``max_bytes``
    long; its temporary copy is deleted when the block ends.

    Problems: 415 for a body that is not multipart or a file that is not ``.csv``/``.xlsx``,
    413 past the limit, 400 for a broken multipart body, 422 naming ``file`` when it is missing
    or when a field that should be text is a file.
    """
    content_type = request.headers.get("content-type", "")
    if not content_type.casefold().startswith("multipart/form-data"):
        raise ApiProblem(415, "unsupported-media-type", "detail.upload_not_multipart")
    body_limit = max_bytes + OVERHEAD_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > body_limit:
        raise _too_large(max_bytes)
    parser = MultiPartParser(request.headers, _limited(request.stream(), body_limit),
                             max_files=1, max_fields=_MAX_FIELDS,
                             max_part_size=_MAX_FIELD_BYTES)
    try:
        form = await parser.parse()
    except MultiPartException:
        raise ApiProblem(400, "bad-multipart", "detail.upload_broken") from None
    try:
        upload = form.get(FILE_FIELD)
        if not isinstance(upload, UploadFile):
            raise ApiProblem(422, "validation", "detail.validation", params={"count": 1},
                             fields=[(FILE_FIELD, "v.missing")])
        fields: dict[str, str] = {}
        for name, value in form.multi_items():
            if name == FILE_FIELD:
                continue
            if not isinstance(value, str):
                raise ApiProblem(422, "validation", "detail.validation", params={"count": 1},
                                 fields=[(name, "v.extra_forbidden")])
            fields[name] = value
        suffix = _suffix(upload)
        with tempfile.TemporaryDirectory(prefix="simpul-import-") as directory:
            target = Path(directory) / f"upload{suffix}"
            size, sha256 = await run_in_threadpool(_copy, upload.file, target, max_bytes)
            yield Upload(path=target, filename=PurePath(upload.filename or target.name).name,
                         size=size, sha256=sha256, fields=fields)
    finally:
        await form.close()
