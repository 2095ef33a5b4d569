"""Content-Security-Policy pieces: hashes of the inline scripts we emit and the policy that allows only them.

Hash-based rather than nonce-based: the overview's map is cached per registry
version, so a per-response nonce would not fit; a hash stays valid for as long
as the script it was computed from. Hashes are taken from the scripts as we
build them, never by scanning a finished page (that would also allow a script
someone injected into it).
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

__all__ = ["checked_script", "policy", "script_hash", "tile_hosts"]

# A script body that contains one of these would end the <script> element early or switch the HTML
# parser into a state where it ends somewhere else: data reached it without JSON escaping.
_BREAKOUT = re.compile(r"</script|<!--|<script", re.IGNORECASE)


def checked_script(body: str) -> str:
    """`body` as the browser will see it between <script> and </script> (the HTML parser turns CR LF
    and CR into LF before hashing), refused when it could end its element early."""
    body = str(body).replace("\r\n", "\n").replace("\r", "\n")
    if _BREAKOUT.search(body):
        raise ValueError("an inline script contains '</script', '<script' or '<!--': a value reached it "
                         "without JSON escaping")
    return body


def script_hash(body: str) -> str:
    """The CSP source expression ('sha256-…') that allows exactly this script body."""
    digest = hashlib.sha256(checked_script(body).encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def tile_hosts(basemaps: dict) -> list[str]:
    """The origins the base maps' tile URLs load images from ({s} expanded to every subdomain)."""
    hosts = []
    for base in basemaps.values():
        if not base:
            continue
        url = urlsplit(base["tiles"])
        for sub in base.get("subdomains", "abc") if "{s}" in url.netloc else [""]:
            origin = f"{url.scheme}://{url.netloc.replace('{s}', sub)}"
            if origin not in hosts:
                hosts.append(origin)
    return hosts


def policy(script_hashes=(), *, img_hosts=(), standalone: bool = False) -> str:
    """A strict policy: scripts only from our origin plus the hashed inline ones we emitted.

    style-src keeps 'unsafe-inline': folium writes <style> blocks into the page head, and Leaflet and our
    legends use style attributes; styles cannot run script, so this opens no door to script injection.
    `standalone` is for a self-contained file (a <meta> policy): it has no origin of its own to load
    from, and browsers ignore frame-ancestors there.
    """
    own = [] if standalone else ["'self'"]
    scripts = own + list(dict.fromkeys(script_hashes))
    directives = [
        "default-src " + ("'none'" if standalone else "'self'"),
        "script-src " + (" ".join(scripts) or "'none'"),
        "style-src " + " ".join(own + ["'unsafe-inline'"]),
        "img-src " + " ".join(own + ["data:", *img_hosts]),
        "connect-src " + ("'none'" if standalone else "'self'"),
        "object-src 'none'",
        "base-uri 'none'",
        "form-action " + ("'none'" if standalone else "'self'"),
    ]
    if not standalone:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)
