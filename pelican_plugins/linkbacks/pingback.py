"""Pingback 1.0 over XML-RPC, built and parsed by hand (never the stdlib transport).

``xmlrpc.client``'s own transport accepts gzip and reads replies without a
size limit; here the call goes through the capped fetcher with identity
encoding, and the reply is parsed with defusedxml's expat parser.
"""

from __future__ import annotations

from xml.parsers.expat import ExpatError
import xmlrpc.client

from defusedxml import DefusedXmlException
from defusedxml.xmlrpc import DefusedExpatParser

ALREADY_REGISTERED = 48
RETRY_FAULTS = frozenset({0, 50})


class PingbackReplyError(ValueError):
    """The endpoint's reply is not a valid XML-RPC response."""


def request_body(source: str, target: str) -> bytes:
    """Build the XML-RPC ``pingback.ping(source, target)`` call."""
    call = xmlrpc.client.dumps((source, target), methodname="pingback.ping")
    return call.encode("utf-8")


def parse_reply(body: bytes) -> tuple[int | None, str]:
    """Return ``(fault code, text)``; the code is None on success.

    Raises :class:`PingbackReplyError` for anything that is not XML-RPC,
    including documents with a DTD or entities.
    """
    unmarshaller = xmlrpc.client.Unmarshaller()
    parser = DefusedExpatParser(unmarshaller, forbid_dtd=True)
    try:
        parser.feed(body)
        parser.close()
        values = unmarshaller.close()
    except xmlrpc.client.Fault as fault:
        code = fault.faultCode if isinstance(fault.faultCode, int) else 0
        return code, str(fault.faultString)[:200]
    except DefusedXmlException as exc:
        raise PingbackReplyError(
            f"refused XML in reply ({type(exc).__name__})"
        ) from None
    except (ExpatError, xmlrpc.client.ResponseError, IndexError, TypeError) as exc:
        raise PingbackReplyError(f"invalid XML-RPC reply ({exc})") from None
    return None, str(values[0])[:200] if values else ""
