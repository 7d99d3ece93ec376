"""The practice's trading partners' SFTP servers: ``transport.toml`` in the practice's folder.

One ``[partners.NAME]`` table per clearinghouse (docs/transport.md). The file holds no secret:
a password is named by the environment variable that carries it (``password_env``), a private
key by its file (``key_file``, readable by its owner alone, as OpenSSH requires). The server's
host key is pinned (``known_hosts`` or ``host_key``): an unknown key is never accepted.

A bad file is refused whole, naming the file, the partner, the field and the reason, so a
practice never sends to a server half configured.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRANSPORT_FILE = "transport.toml"
# A partner's name is stored with every file moved (transport_files.partner, 80 characters)
# and names a lock file: lowercase letters, digits, "-" and "_".
PARTNER_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# OpenSSH prints a key's fingerprint as SHA256: and the digest's 43 unpadded base64 characters
# (``ssh-keygen -lf KEY``, ``ssh-keyscan HOST | ssh-keygen -lf -``).
FINGERPRINT = re.compile(r"SHA256:[A-Za-z0-9+/]{43}")
# What an upload's name may be made of (transport/naming.py fills them in).
PLACEHOLDERS = frozenset({"name", "stem", "suffix", "submitter", "receiver", "control", "stamp"})
DEFAULT_UPLOAD_NAME = "{name}"
DEFAULT_FETCH = ("*",)
DEFAULT_EVERY_MINUTES = 15
DEFAULT_SETTLE_SECONDS = 3.0
DEFAULT_TIMEOUT_SECONDS = 30.0
MAX_TIMEOUT_SECONDS = 600.0
MINUTES_A_DAY = 24 * 60
FIELDS = frozenset(
    {
        "host",
        "port",
        "user",
        "key_file",
        "key_passphrase_env",
        "password_env",
        "known_hosts",
        "host_key",
        "send_folder",
        "fetch_folder",
        "upload_name",
        "fetch",
        "receivers",
        "every_minutes",
        "settle_seconds",
        "timeout_seconds",
        "remove_fetched",
    }
)


class TransportConfigError(ValueError):
    """``transport.toml`` cannot be used; the message names the file, partner, field and reason."""


class UnknownPartnerError(LookupError):
    """A partner named on the command line that ``transport.toml`` does not have."""


@dataclass(frozen=True, slots=True)
class Partner:
    """One clearinghouse's SFTP server, as the practice configured it."""

    name: str
    host: str
    port: int
    user: str
    send_folder: str  # where our 837s, 270s and 276s are uploaded
    fetch_folder: str  # where the partner leaves 999s, 277CAs, 271s, 277s and 835s
    known_hosts: Path | None  # an OpenSSH known_hosts file listing the server's key
    host_key: str | None  # or the key's SHA256 fingerprint
    key_file: Path | None
    key_passphrase_env: str | None
    password_env: str | None
    upload_name: str = DEFAULT_UPLOAD_NAME
    fetch: tuple[str, ...] = DEFAULT_FETCH
    receivers: frozenset[str] = frozenset()  # ISA08 ids this partner takes; empty: the rest
    every_minutes: int = DEFAULT_EVERY_MINUTES
    settle_seconds: float = DEFAULT_SETTLE_SECONDS
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    remove_fetched: bool = False

    @property
    def address(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class TransportConfig:
    partners: Mapping[str, Partner]  # in the file's order
    source: str

    def chosen(self, name: str | None) -> list[Partner]:
        """Every partner, or the one named (:class:`UnknownPartnerError` if there is none)."""
        if name is None:
            return list(self.partners.values())
        found = self.partners.get(name)
        if found is None:
            known = ", ".join(self.partners) or "none"
            raise UnknownPartnerError(f"{self.source}: no partner {name!r} (partners: {known})")
        return [found]

    def partner_for(self, receiver_id: str) -> Partner | None:
        """The partner that takes files for interchange receiver ``receiver_id`` (ISA08): the
        one that lists it, else the one that lists none; None when no partner takes it."""
        fallback = None
        for partner in self.partners.values():
            if receiver_id in partner.receivers:
                return partner
            if not partner.receivers:
                fallback = partner
        return fallback


def load_transport(folder: Path) -> TransportConfig | None:
    """The practice's ``transport.toml`` in ``folder``; None when it has none."""
    path = folder / TRANSPORT_FILE
    if not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TransportConfigError(f"{path}: cannot be read: {exc}") from exc
    return parse_transport(text, str(path), folder)


def required(config: TransportConfig | None, folder: Path) -> TransportConfig:
    """``config``, or the error saying where the practice's partners are configured."""
    if config is None:
        raise TransportConfigError(
            f"{folder / TRANSPORT_FILE}: no such file; the practice's SFTP partners are "
            "configured there (docs/transport.md)"
        )
    return config


def parse_transport(text: str, source: str, folder: Path) -> TransportConfig:
    """Read and check ``text``; relative file paths are taken from ``folder``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TransportConfigError(f"{source}: not valid TOML: {exc}") from exc
    extra = sorted(set(data) - {"partners"})
    if extra:
        raise TransportConfigError(
            f"{source}: unknown top-level key(s) {', '.join(extra)}; partners are tables "
            "[partners.NAME]"
        )
    tables = data.get("partners")
    if not isinstance(tables, dict) or not tables:
        raise TransportConfigError(f"{source}: no partner: add a table [partners.NAME]")
    partners = {
        name: _Reader(source, name, body, folder).partner() for name, body in tables.items()
    }
    _check_routing(source, partners)
    return TransportConfig(partners, source)


def _check_routing(source: str, partners: dict[str, Partner]) -> None:
    """Each file must go to exactly one partner: no receiver listed twice, at most one partner
    taking the rest."""
    catch_all = [p.name for p in partners.values() if not p.receivers]
    if len(catch_all) > 1:
        raise TransportConfigError(
            f"{source}: partners {', '.join(catch_all)} list no receivers, so each would take "
            "every file: give all but one of them receivers = [ISA08 ids]"
        )
    owner: dict[str, str] = {}
    for partner in partners.values():
        for receiver in sorted(partner.receivers):
            if receiver in owner:
                raise TransportConfigError(
                    f"{source}: [partners.{partner.name}], field 'receivers': {receiver!r} is "
                    f"already the receiver of [partners.{owner[receiver]}]"
                )
            owner[receiver] = partner.name


class _Reader:
    """One ``[partners.NAME]`` table, each field checked with the reason it is wrong."""

    def __init__(self, source: str, name: str, body: Any, folder: Path) -> None:
        self.source = source
        self.name = name
        self.entry = f"[partners.{name}]"
        self.body = body
        self.folder = folder

    def fail(self, field: str, reason: str) -> TransportConfigError:
        return TransportConfigError(f"{self.source}: {self.entry}, field {field!r}: {reason}")

    def partner(self) -> Partner:
        if not PARTNER_NAME.fullmatch(self.name):
            raise TransportConfigError(
                f"{self.source}: {self.entry}: a partner's name is lowercase letters, digits, "
                "'-' and '_' (at most 80)"
            )
        if not isinstance(self.body, dict):
            raise TransportConfigError(f"{self.source}: {self.entry}: a table is required")
        if "password" in self.body:
            raise self.fail(
                "password",
                "a password is never written in this file: put it in an environment variable "
                "and name the variable with password_env",
            )
        unknown = sorted(set(self.body) - FIELDS)
        if unknown:
            raise self.fail(unknown[0], f"unknown field; fields: {', '.join(sorted(FIELDS))}")
        key_file = self.path("key_file")
        password_env = self.env("password_env")
        if key_file is None and password_env is None:
            raise self.fail(
                "key_file", "give key_file (a private key) or password_env (or both) to log in"
            )
        known_hosts = self.path("known_hosts")
        host_key = self.fingerprint()
        if (known_hosts is None) == (host_key is None):
            raise self.fail(
                "known_hosts",
                "pin the server's host key with known_hosts (a file) or host_key (its SHA256 "
                "fingerprint), one of them: an unknown key is never accepted",
            )
        send_folder = self.text("send_folder")
        fetch_folder = self.text("fetch_folder")
        if send_folder.rstrip("/") == fetch_folder.rstrip("/"):
            raise self.fail(
                "fetch_folder", "is the send_folder: claimdesk would fetch its own uploads"
            )
        if key_file is not None:
            self.private(key_file)
        return Partner(
            name=self.name,
            host=self.text("host"),
            port=self.whole("port", 22, 1, 65535),
            user=self.text("user"),
            send_folder=send_folder,
            fetch_folder=fetch_folder,
            known_hosts=known_hosts,
            host_key=host_key,
            key_file=key_file,
            key_passphrase_env=self.env("key_passphrase_env"),
            password_env=password_env,
            upload_name=self.upload_name(),
            fetch=self.globs(),
            receivers=frozenset(self.texts("receivers", ())),
            every_minutes=self.whole("every_minutes", DEFAULT_EVERY_MINUTES, 1, MINUTES_A_DAY),
            settle_seconds=self.seconds("settle_seconds", DEFAULT_SETTLE_SECONDS, 0),
            timeout_seconds=self.seconds("timeout_seconds", DEFAULT_TIMEOUT_SECONDS, 1),
            remove_fetched=self.flag("remove_fetched"),
        )

    def text(self, field: str, default: str | None = None) -> str:
        value = self.body.get(field, default)
        if not isinstance(value, str) or not value.strip() or "\0" in value:
            raise self.fail(field, "a non-empty text is required")
        return value.strip()

    def texts(self, field: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.body.get(field, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(field, 'a list of non-empty texts is required, e.g. ["A", "B"]')
        return tuple(v.strip() for v in value)

    def whole(self, field: str, default: int, low: int, high: int) -> int:
        value = self.body.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(field, f"a whole number from {low} to {high} is required")
        return value

    def seconds(self, field: str, default: float, low: float) -> float:
        value = self.body.get(field, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= MAX_TIMEOUT_SECONDS
        ):
            raise self.fail(field, f"seconds from {low:g} to {MAX_TIMEOUT_SECONDS:g} are required")
        return float(value)

    def flag(self, field: str) -> bool:
        value = self.body.get(field, False)
        if not isinstance(value, bool):
            raise self.fail(field, "true or false is required")
        return value

    def env(self, field: str) -> str | None:
        if field not in self.body:
            return None
        value = self.text(field)
        if not ENV_NAME.fullmatch(value):
            raise self.fail(field, f"{value!r} is not an environment variable's name")
        return value

    def path(self, field: str) -> Path | None:
        if field not in self.body:
            return None
        path = Path(self.text(field)).expanduser()
        found = path if path.is_absolute() else self.folder / path
        if not found.is_file():
            raise self.fail(field, f"{found}: no such file")
        return found

    def private(self, key_file: Path) -> None:
        """OpenSSH refuses a private key others may read; so does claimdesk."""
        mode = key_file.stat().st_mode & 0o777
        if mode & 0o077:
            raise self.fail(
                "key_file",
                f"{key_file} may be read by others (mode {mode:04o}): chmod 600 it",
            )

    def fingerprint(self) -> str | None:
        if "host_key" not in self.body:
            return None
        value = self.text("host_key")
        if not FINGERPRINT.fullmatch(value):
            raise self.fail(
                "host_key",
                "the server key's SHA256 fingerprint is required, as ssh-keygen -lf prints it "
                "(SHA256: and 43 characters)",
            )
        return value

    def upload_name(self) -> str:
        pattern = self.text("upload_name", DEFAULT_UPLOAD_NAME)
        try:
            fields = list(string.Formatter().parse(pattern))
        except ValueError as exc:
            raise self.fail("upload_name", f"{exc}; write a brace as {{{{ or }}}}") from exc
        for _literal, field, spec, conversion in fields:
            if field is None:
                continue
            if field not in PLACEHOLDERS or spec or conversion:
                known = ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
                raise self.fail("upload_name", f"unknown placeholder {{{field}}}; known: {known}")
        if "/" in pattern or pattern.startswith("."):
            raise self.fail("upload_name", "a file name is required: no '/', not starting with '.'")
        return pattern

    def globs(self) -> tuple[str, ...]:
        found = self.texts("fetch", DEFAULT_FETCH)
        if not found or any("/" in g for g in found):
            raise self.fail("fetch", 'file name patterns without "/" are required, e.g. ["*.835"]')
        return found
