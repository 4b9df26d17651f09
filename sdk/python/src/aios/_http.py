"""How both clients talk HTTPS to a node: TLS always verified, the token
on every request, connections kept for the next request."""

from __future__ import annotations

import os
import ssl
from pathlib import Path
from typing import Union

import httpx

from ._calls import Request

# A CA file (the node's development CA), an SSL context, or True for the
# system's trusted CAs. There is no way to turn verification off: a token
# sent to a node that was not verified is a token given away.
CA = Union[str, "os.PathLike[str]", ssl.SSLContext, bool]

# The node keeps a connection open between requests for 15 s
# (`Keep-Alive: timeout=15`), so a client reusing one pays for one TLS
# handshake instead of one per call (most of a request's cost on the
# node). The client lets an idle one go after 5 s, well before the node
# would, so it never sends on a connection the node is closing; it keeps
# at most 4, a quarter of the 16 the node serves at once.
LIMITS = httpx.Limits(max_keepalive_connections=4, keepalive_expiry=5.0)


def verify(ca: CA) -> ssl.SSLContext | bool:
    """What httpx's `verify` should be for `ca`."""
    if ca is True:
        return True
    if ca is False:
        raise ValueError("TLS verification cannot be turned off: pass the node's CA file")
    if isinstance(ca, ssl.SSLContext):
        return ca
    path = Path(ca)
    if not path.is_file():
        raise FileNotFoundError(f"no CA file at {path}")
    return ssl.create_default_context(cafile=str(path))


def base_url(url: str) -> str:
    if not url.startswith("https://"):
        raise ValueError(f"the node's API is HTTPS only: {url!r}")
    return url.rstrip("/")


def build(
    http: httpx.Client | httpx.AsyncClient, token: str | None, timeout: float, request: Request
) -> httpx.Request:
    """The httpx request for `request`, with the token and a read timeout
    no shorter than what the node may take on purpose."""
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if request.content_type is not None:
        headers["Content-Type"] = request.content_type
    read = max(timeout, request.wait + 5.0) if request.wait else timeout
    return http.build_request(
        request.method,
        request.path,
        content=request.body,
        headers=headers,
        timeout=httpx.Timeout(timeout, read=read),
    )


def image_bytes(image: bytes | str | os.PathLike[str]) -> bytes:
    """A signed image's bytes, given or read from a file."""
    if isinstance(image, bytes):
        return image
    return Path(image).read_bytes()


def store_body(data: bytes | str, content_type: str | None) -> tuple[bytes, str]:
    """An object's bytes and content type: text is UTF-8."""
    if isinstance(data, str):
        return data.encode("utf-8"), content_type or "text/plain; charset=utf-8"
    return data, content_type or "application/octet-stream"
