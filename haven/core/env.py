"""Typed helpers for settings read from the environment."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from exc


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envnumbers(name: str) -> dict[str, float]:
    """Named numbers, comma-separated: ``assessments_within_45wd_pct=90,re_referral_rate_pct=20``."""
    numbers = {}
    for item in envlist(name, []):
        key, _, value = item.partition("=")
        try:
            numbers[key.strip()] = float(value)
        except ValueError as exc:
            raise ValueError(f"{name}: {item!r} is not name=number") from exc
    return numbers


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def envnetworks(name: str) -> tuple[IPNetwork, ...]:
    """Comma-separated IP addresses or CIDR ranges, e.g. ``10.0.0.5,10.1.0.0/16``."""
    networks = []
    for item in envlist(name, []):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"{name}: {item!r} is not an IP address or CIDR range") from exc
    return tuple(networks)


def var_dir() -> Path:
    """Where Haven keeps its own state (embedded database, secrets)."""
    return Path(envstr("HAVEN_VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()
