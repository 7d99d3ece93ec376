"""transport.toml: a good file read whole; a bad one refused, naming the file, the partner, the
field and the reason; files routed to partners by interchange receiver."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimdesk.transport.config import (
    TransportConfigError,
    UnknownPartnerError,
    load_transport,
    parse_transport,
    required,
)

FINGERPRINT = "SHA256:" + "A1b2" * 10 + "xyz"
BASE = {
    "host": '"sftp.clearinghouse.example"',
    "user": '"RFMG001"',
    "password_env": '"ACME_SFTP_PASSWORD"',
    "host_key": f'"{FINGERPRINT}"',
    "send_folder": '"/inbound"',
    "fetch_folder": '"/outbound"',
}


def _toml(name: str = "acme", **fields: str | None) -> str:
    values = {**BASE, **fields}
    lines = [f"{key} = {value}" for key, value in values.items() if value is not None]
    return f"[partners.{name}]\n" + "\n".join(lines) + "\n"


def _error(text: str, folder: Path) -> str:
    with pytest.raises(TransportConfigError) as raised:
        parse_transport(text, "transport.toml", folder)
    return str(raised.value)


def test_a_partner_with_only_what_it_needs_takes_the_defaults(tmp_path: Path) -> None:
    config = parse_transport(_toml(), "transport.toml", tmp_path)

    [partner] = config.chosen(None)
    assert (partner.name, partner.host, partner.port, partner.user) == (
        "acme",
        "sftp.clearinghouse.example",
        22,
        "RFMG001",
    )
    assert (partner.send_folder, partner.fetch_folder) == ("/inbound", "/outbound")
    assert (partner.host_key, partner.known_hosts) == (FINGERPRINT, None)
    assert (partner.password_env, partner.key_file) == ("ACME_SFTP_PASSWORD", None)
    assert (partner.upload_name, partner.fetch, partner.receivers) == ("{name}", ("*",), set())
    assert (partner.every_minutes, partner.settle_seconds, partner.timeout_seconds) == (15, 3, 30)
    assert partner.remove_fetched is False
    assert partner.address == "RFMG001@sftp.clearinghouse.example:22"


def test_files_relative_to_the_practice_folder_are_found_there(tmp_path: Path) -> None:
    (tmp_path / "keys").mkdir()
    key = tmp_path / "keys" / "acme"
    key.write_text("key")
    key.chmod(0o600)
    (tmp_path / "known_hosts").write_text("")
    text = _toml(
        key_file='"keys/acme"',
        password_env=None,
        host_key=None,
        known_hosts='"known_hosts"',
        port="2222",
        upload_name='"{submitter}_{stem}_{stamp}.x12"',
        fetch='["*.835", "*.999"]',
        every_minutes="60",
        settle_seconds="0.5",
        timeout_seconds="10",
        remove_fetched="true",
    )
    (tmp_path / "transport.toml").write_text(text)

    config = load_transport(tmp_path)

    assert config is not None
    partner = config.partners["acme"]
    assert (partner.key_file, partner.known_hosts) == (key, tmp_path / "known_hosts")
    assert (partner.port, partner.every_minutes, partner.settle_seconds) == (2222, 60, 0.5)
    assert partner.fetch == ("*.835", "*.999")
    assert partner.remove_fetched is True


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"host": None}, "field 'host': a non-empty text is required"),
        ({"port": "0"}, "field 'port': a whole number from 1 to 65535 is required"),
        ({"port": '"22"'}, "field 'port': a whole number from 1 to 65535 is required"),
        (
            {"password": '"hunter2"'},
            "field 'password': a password is never written in this file",
        ),
        (
            {"password_env": None},
            "field 'key_file': give key_file (a private key) or password_env (or both)",
        ),
        ({"password_env": '"1BAD"'}, "field 'password_env': '1BAD' is not an environment"),
        (
            {"host_key": None},
            "field 'known_hosts': pin the server's host key with known_hosts (a file) or "
            "host_key (its SHA256 fingerprint), one of them: an unknown key is never accepted",
        ),
        (
            {"known_hosts": '"known_hosts"'},
            "field 'known_hosts': pin the server's host key",
        ),
        ({"host_key": '"MD5:aa:bb"'}, "field 'host_key': the server key's SHA256 fingerprint"),
        ({"key_file": '"nowhere"'}, "field 'key_file': "),
        (
            {"fetch_folder": '"/inbound/"'},
            "field 'fetch_folder': is the send_folder: claimdesk would fetch its own uploads",
        ),
        ({"upload_name": '"{patient}.x12"'}, "field 'upload_name': unknown placeholder {patient}"),
        ({"upload_name": '"{stem"'}, "field 'upload_name': "),
        ({"upload_name": '"out/{name}"'}, "field 'upload_name': a file name is required"),
        ({"fetch": '"*.835"'}, "field 'fetch': a list of non-empty texts is required"),
        ({"fetch": '["in/*.835"]'}, "field 'fetch': file name patterns without"),
        ({"every_minutes": "0"}, "field 'every_minutes': a whole number from 1 to 1440"),
        ({"timeout_seconds": "0.5"}, "field 'timeout_seconds': seconds from 1 to 600"),
        ({"remove_fetched": '"yes"'}, "field 'remove_fetched': true or false is required"),
        ({"hots": '"x"'}, "field 'hots': unknown field; fields: every_minutes, fetch, "),
    ],
)
def test_a_bad_field_is_refused_with_its_partner_field_and_reason(
    tmp_path: Path, fields: dict[str, str | None], reason: str
) -> None:
    (tmp_path / "known_hosts").write_text("")

    message = _error(_toml(**fields), tmp_path)

    assert message.startswith("transport.toml: [partners.acme], "), message
    assert reason in message, message


def test_a_key_others_may_read_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "acme"
    key.write_text("key")
    key.chmod(0o644)

    message = _error(_toml(key_file=f'"{key}"'), tmp_path)

    assert message == (
        f"transport.toml: [partners.acme], field 'key_file': {key} may be read by others "
        "(mode 0644): chmod 600 it"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[partners.acme\n", "transport.toml: not valid TOML: "),
        ("", "transport.toml: no partner: add a table [partners.NAME]"),
        ("[partner.acme]\nhost = 'x'\n", "transport.toml: unknown top-level key(s) partner"),
        (_toml(name='"Acme Inc"'), "transport.toml: [partners.Acme Inc]: a partner's name is"),
        ("[partners]\nacme = 1\n", "transport.toml: [partners.acme]: a table is required"),
    ],
)
def test_a_bad_file_is_refused_whole(tmp_path: Path, text: str, reason: str) -> None:
    assert _error(text, tmp_path).startswith(reason)


def test_files_are_routed_by_their_receiver_and_each_to_one_partner(tmp_path: Path) -> None:
    text = _toml("medicare", receivers='["MEDICARE-JL", "CMS"]') + _toml("availity")
    config = parse_transport(text, "transport.toml", tmp_path)

    assert config.partner_for("CMS") is config.partners["medicare"]
    assert config.partner_for("ACME") is config.partners["availity"]
    assert [p.name for p in config.chosen("medicare")] == ["medicare"]
    with pytest.raises(UnknownPartnerError, match=r"no partner 'optum' \(partners: medicare, "):
        config.chosen("optum")
    only = parse_transport(_toml("medicare", receivers='["CMS"]'), "transport.toml", tmp_path)
    assert only.partner_for("ACME") is None


def test_two_partners_may_not_both_take_every_file_or_one_receiver(tmp_path: Path) -> None:
    assert _error(_toml("a") + _toml("b"), tmp_path) == (
        "transport.toml: partners a, b list no receivers, so each would take every file: give "
        "all but one of them receivers = [ISA08 ids]"
    )
    twice = _toml("a", receivers='["CMS"]') + _toml("b", receivers='["CMS"]')
    assert _error(twice, tmp_path) == (
        "transport.toml: [partners.b], field 'receivers': 'CMS' is already the receiver of "
        "[partners.a]"
    )


def test_a_practice_without_the_file_is_told_where_it_goes(tmp_path: Path) -> None:
    assert load_transport(tmp_path) is None
    with pytest.raises(TransportConfigError) as raised:
        required(None, tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'transport.toml'}: no such file; the practice's SFTP partners are "
        "configured there (docs/transport.md)"
    )
