"""A thin client for the Kubo RPC API (https://docs.ipfs.tech/reference/kubo/rpc/).

Every call is a POST to ``/api/v0/<command>`` (kubo answers GET with 405). Failures become
:class:`ipfs.errors.KuboError` subclasses. A request whose connection could not be opened is
retried a bounded number of times with exponential back-off; one that reached the node is
never retried, since kubo may have acted on it.

Kubo reports an error that happens after it started streaming a body in an
``X-Stream-Error`` HTTP trailer, which httpx does not expose. The client therefore checks
what it can in the body itself: an ``add`` that ends without a ``Hash`` line is an error.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import httpx
from multiformats import CID

from ipfs.car import CarReader
from ipfs.cid import CidLike, format_cid, parse_cid
from ipfs.errors import (
    CarFormatError,
    InvalidCidError,
    KuboApiError,
    KuboConnectionError,
    KuboResponseError,
    KuboTimeoutError,
)
from ipfs.interface import primed

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=120.0, write=120.0, pool=5.0)
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF_SECONDS = 0.25
STREAM_CHUNK_BYTES = 1 << 18
_NOT_FOUND = re.compile(r"not found|could not find", re.IGNORECASE)
_MULTIADDR = re.compile(r"^/(ip4|ip6|dns|dns4|dns6)/([^/]+)/tcp/(\d+)(?:/(http|https))?/?$")

FilesFactory = Callable[[], dict[str, tuple[str, BinaryIO, str]]]


@dataclass(frozen=True, slots=True)
class KuboVersion:
    version: str
    commit: str
    repo: str
    system: str
    golang: str


def normalise_api_url(url: str) -> str:
    """Accept ``http://host:5001`` or kubo's own multiaddr form ``/ip4/127.0.0.1/tcp/5001``."""
    match = _MULTIADDR.match(url.strip())
    if match is None:
        return url.strip().rstrip("/")
    protocol, host, port, scheme = match.groups()
    if protocol == "ip6":
        host = f"[{host}]"
    return f"{scheme or 'http'}://{host}:{port}"


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _ndjson(text: str, endpoint: str) -> list[dict[str, Any]]:
    try:
        objects = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as error:
        raise KuboResponseError(f"kubo {endpoint} returned a body that is not JSON") from error
    if not all(isinstance(item, dict) for item in objects):
        raise KuboResponseError(f"kubo {endpoint} returned JSON that is not a list of objects")
    return objects


def _cid_in_response(value: object, endpoint: str) -> CID:
    if not isinstance(value, str):
        raise KuboResponseError(f"kubo {endpoint} returned {value!r} where a CID was expected")
    try:
        return parse_cid(value)
    except InvalidCidError as error:
        raise KuboResponseError(f"kubo {endpoint} returned an invalid CID {value!r}") from error


class KuboClient:
    """:class:`ipfs.interface.IpfsBackend` over a kubo node's RPC API."""

    def __init__(
        self,
        api_url: str,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = normalise_api_url(api_url)
        self._retries = retries
        self._backoff_seconds = backoff_seconds
        self._http = httpx.Client(
            base_url=f"{self.api_url}/api/v0/", timeout=timeout, transport=transport
        )

    def __enter__(self) -> KuboClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- transport -------------------------------------------------------------------------

    def _send(
        self,
        endpoint: str,
        params: dict[str, str] | None = None,
        *,
        files: FilesFactory | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """POST to ``endpoint`` and return a 200 response, or raise a typed error.

        ``files`` builds the multipart body anew for each attempt. Only attempts whose
        connection failed are retried, so no byte of an upload was consumed by them.
        """
        attempt = 0
        while True:
            try:
                request = self._http.build_request(
                    "POST", endpoint, params=params, files=files() if files else None
                )
                response = self._http.send(request, stream=stream)
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                if attempt >= self._retries:
                    raise KuboConnectionError(
                        f"cannot reach kubo at {self.api_url} after {attempt + 1} attempts: {error}"
                    ) from error
                delay = self._backoff_seconds * 2**attempt
                logger.warning(
                    "kubo %s unreachable (%s); retrying in %.2fs", endpoint, error, delay
                )
                time.sleep(delay)
                attempt += 1
                continue
            except httpx.TimeoutException as error:
                raise KuboTimeoutError(f"kubo {endpoint} timed out: {error}") from error
            except httpx.TransportError as error:
                raise KuboConnectionError(f"kubo {endpoint} failed: {error}") from error
            if response.status_code != httpx.codes.OK:
                raise self._api_error(endpoint, response)
            return response

    @staticmethod
    def _api_error(endpoint: str, response: httpx.Response) -> KuboApiError:
        body = response.read().decode("utf-8", "replace")
        response.close()
        message = body.strip()
        try:
            decoded = json.loads(body)
        except json.JSONDecodeError:
            decoded = None
        if isinstance(decoded, dict) and isinstance(decoded.get("Message"), str):
            message = decoded["Message"]
        return KuboApiError(endpoint, response.status_code, message[:500] or response.reason_phrase)

    @staticmethod
    def _replayable_upload(stream: BinaryIO, filename: str, content_type: str) -> FilesFactory:
        """A multipart body factory that rewinds ``stream`` before each attempt, if it can."""
        start = stream.tell() if stream.seekable() else None

        def files() -> dict[str, tuple[str, BinaryIO, str]]:
            if start is not None:
                stream.seek(start)
            return {"file": (filename, stream, content_type)}

        return files

    def _json(self, endpoint: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        objects = _ndjson(self._send(endpoint, params).text, endpoint)
        if len(objects) != 1:
            raise KuboResponseError(f"kubo {endpoint} returned {len(objects)} objects, not 1")
        return objects[0]

    # -- commands --------------------------------------------------------------------------

    def version(self) -> KuboVersion:
        body = self._json("version")
        return KuboVersion(
            version=str(body.get("Version", "")),
            commit=str(body.get("Commit", "")),
            repo=str(body.get("Repo", "")),
            system=str(body.get("System", "")),
            golang=str(body.get("Golang", "")),
        )

    def add_bytes(
        self, data: bytes, *, cid_version: int = 0, pin: bool = True, only_hash: bool = False
    ) -> CID:
        return self.add_stream(
            io.BytesIO(data), cid_version=cid_version, pin=pin, only_hash=only_hash
        )

    def add_stream(
        self,
        stream: BinaryIO,
        *,
        cid_version: int = 0,
        pin: bool = True,
        only_hash: bool = False,
        filename: str = "file",
    ) -> CID:
        if cid_version not in (0, 1):
            raise ValueError(f"cid_version must be 0 or 1, not {cid_version}")
        # Every option that shapes the DAG is spelled out, so a node whose Import.* config
        # differs from kubo's defaults still computes the CID the embedded store does.
        params = {
            "cid-version": str(cid_version),
            "raw-leaves": _flag(cid_version == 1),
            "chunker": "size-262144",
            "hash": "sha2-256",
            "trickle": "false",
            "pin": _flag(pin),
            "only-hash": _flag(only_hash),
            "progress": "false",
        }
        files = self._replayable_upload(stream, filename, "application/octet-stream")
        objects = _ndjson(self._send("add", params, files=files).text, "add")
        hashes = [item["Hash"] for item in objects if "Hash" in item]
        if not hashes:
            raise KuboResponseError("kubo add ended without reporting a Hash")
        cid = _cid_in_response(hashes[-1], "add")
        logger.info("kubo added %s", cid)
        return cid

    def _streamed(self, endpoint: str, cid: CidLike) -> Iterator[bytes]:
        """The body of ``endpoint?arg=cid``, piece by piece; the request is sent right away."""
        response = self._send(endpoint, {"arg": format_cid(cid)}, stream=True)

        def pieces() -> Iterator[bytes]:
            try:
                yield from response.iter_bytes(STREAM_CHUNK_BYTES)
            except httpx.TimeoutException as error:
                raise KuboTimeoutError(f"kubo {endpoint} timed out: {error}") from error
            except httpx.TransportError as error:
                raise KuboConnectionError(f"kubo {endpoint} failed mid-stream: {error}") from error
            finally:
                response.close()

        return primed(pieces())

    def cat(self, cid: CidLike) -> Iterator[bytes]:
        return self._streamed("cat", cid)

    def pin(self, cid: CidLike) -> None:
        self._json("pin/add", {"arg": format_cid(cid), "recursive": "true"})

    def unpin(self, cid: CidLike) -> None:
        self._json("pin/rm", {"arg": format_cid(cid), "recursive": "true"})

    def remove(self, cid: CidLike) -> None:
        """``pin/rm``, then ``block/rm`` of each block ``refs -r`` lists and of the root, one
        at a time: kubo refuses a block another pin still reaches, which is then kept."""
        arg = format_cid(cid)
        try:
            self._json("pin/rm", {"arg": arg, "recursive": "true"})
        except KuboApiError as error:
            if "not pinned" not in error.message:
                raise
        refs = _ndjson(
            self._send("refs", {"arg": arg, "recursive": "true", "unique": "true"}).text, "refs"
        )
        blocks = [str(ref["Ref"]) for ref in refs if ref.get("Ref")] + [arg]
        for block in blocks:
            # A refused block (pinned by another DAG) comes back as {"Hash", "Error"}, or as an
            # error status when it was the only one asked for.
            try:
                outcomes = _ndjson(self._send("block/rm", {"arg": block}).text, "block/rm")
            except KuboApiError as error:
                outcomes = [{"Error": error.message}]
            for outcome in outcomes:
                if outcome.get("Error"):
                    logger.info("kubo kept block %s: %s", block, outcome["Error"])

    def has(self, cid: CidLike) -> bool:
        # offline=true keeps kubo from searching the network for a block it lacks.
        try:
            self._json("block/stat", {"arg": format_cid(cid), "offline": "true"})
        except KuboApiError as error:
            if error.status_code == httpx.codes.INTERNAL_SERVER_ERROR and _NOT_FOUND.search(
                error.message
            ):
                return False
            raise
        return True

    def import_car(self, stream: BinaryIO, *, pin_roots: bool = True) -> list[CID]:
        """Import a CAR with ``dag/import``; returns the roots kubo reports.

        Kubo reports roots only when it pins them; with ``pin_roots=False`` they are read
        from the CAR header, which needs a seekable stream (else the list is empty).
        """
        header_roots: list[CID] = []
        if not pin_roots and stream.seekable():
            start = stream.tell()
            try:
                header_roots = [parse_cid(bytes(root)) for root in CarReader(stream).roots]
            except CarFormatError:
                header_roots = []  # let kubo report what is wrong with the file
            stream.seek(start)
        params = {"pin-roots": _flag(pin_roots), "stats": "false"}
        files = self._replayable_upload(stream, "import.car", "application/vnd.ipld.car")
        objects = _ndjson(self._send("dag/import", params, files=files).text, "dag/import")
        roots: list[CID] = []
        for item in objects:
            root = item.get("Root")
            if not isinstance(root, dict):
                continue
            cid_field = root.get("Cid")
            cid = _cid_in_response(
                cid_field.get("/") if isinstance(cid_field, dict) else None, "dag/import"
            )
            if root.get("PinErrorMsg"):
                raise KuboApiError("dag/import", httpx.codes.OK, str(root["PinErrorMsg"]))
            roots.append(cid)
        return roots if pin_roots else header_roots

    def export_car(self, cid: CidLike, out: BinaryIO) -> None:
        for piece in self._streamed("dag/export", cid):
            out.write(piece)
