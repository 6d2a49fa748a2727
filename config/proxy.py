"""The client's address behind the TLS gateway.

Behind a reverse proxy every request comes from the proxy's address: the lockout by
address would lock everyone out after a few failures anywhere, and the audit log would
name the proxy for every act. With ``BATON_TRUSTED_PROXIES`` (the gateways' addresses or
networks), a request that comes from one of them has its ``REMOTE_ADDR`` replaced by the
nearest address in ``X-Forwarded-For`` that is not a trusted proxy, before Django, its
signals, the lockout and the audit read it. A request from anywhere else keeps its own
address, whatever it says in the header: a client cannot choose its address.
"""

import ipaddress
from collections.abc import Callable, Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Return the networks of ``values`` ("10.0.0.5", "10.1.0.0/16", "::1"); raise ValueError."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_address(environ: dict, proxies: tuple[Network, ...]) -> str:
    """Return the address of the client a request came from (see the module's docstring)."""
    remote = environ.get("REMOTE_ADDR", "")
    address = _address(remote)

    def trusted(addr) -> bool:
        return any(addr in network for network in proxies)

    if address is None or not trusted(address):
        return remote
    hops = [hop for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        hop_address = _address(hop)
        if hop_address is None:  # not an address: nothing further left can be believed
            return remote
        if not trusted(hop_address):
            return str(hop_address)
    return remote


class TrustedProxies:
    """WSGI middleware: set ``REMOTE_ADDR`` to the client's address behind trusted proxies."""

    def __init__(self, app: Callable, proxies: tuple[Network, ...]):
        self.app = app
        self.proxies = proxies

    def __call__(self, environ: dict, start_response: Callable):
        if self.proxies:
            environ["REMOTE_ADDR"] = client_address(environ, self.proxies)
        return self.app(environ, start_response)
