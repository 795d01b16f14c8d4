"""The five central banks' rate payloads → quotes → values against USD (pure: no HTTP, no storage).

Each bank is the authority for its home currency against USD: fetch ``provider.url(day)``, then
``normalise(provider.parse(body, day))``. NBKR's weekly file needs ``merge`` with the daily one;
CBT needs ``USER_AGENT`` and falls back on ``cbt.pegged(day)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import cbt, cbu, nbk, nbkr, nbt
from .cbt import MANAT_PEG, USER_AGENT
from .normalise import SANE_PER_USD, merge, normalise
from .quotes import USD, WANTED, BankPayload, BankPayloadError, Provider, Quote, UsdRate

PROVIDERS: Mapping[str, Provider] = MappingProxyType(
    {p.name: p for p in (nbk.PROVIDER, nbkr.PROVIDER, cbu.PROVIDER, nbt.PROVIDER, cbt.PROVIDER)}
)
# Home currency → the provider that is its authority against USD.
AUTHORITY: Mapping[str, str] = MappingProxyType({p.home: p.name for p in PROVIDERS.values()})

__all__ = [
    "AUTHORITY",
    "MANAT_PEG",
    "PROVIDERS",
    "SANE_PER_USD",
    "USD",
    "USER_AGENT",
    "WANTED",
    "BankPayload",
    "BankPayloadError",
    "Provider",
    "Quote",
    "UsdRate",
    "cbt",
    "cbu",
    "merge",
    "nbk",
    "nbkr",
    "nbt",
    "normalise",
]
