"""The dApp's two catalogues (dapp/src/i18n/en.json, id.json) have the same keys, none empty,
the same {placeholders} per key, and every key the code asks for by a literal t("…") or
tn("…") exists in both (tn's as .one and .other). Pure Python: no browser, no chain."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "dapp" / "src"
LANGS = ("en", "id")
CALL = re.compile(r"""(?<![\w.$])(t|tn)\(\s*(["'`])([^"'`$]+?)\2""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalogue(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((SRC / "i18n" / f"{lang}.json").read_text())
    return data


def used_keys() -> dict[str, set[str]]:
    """{"t": keys, "tn": keys} asked for by literal calls in dapp/src/*.js."""
    found: dict[str, set[str]] = {"t": set(), "tn": set()}
    for path in sorted(SRC.glob("*.js")):
        for kind, _, key in CALL.findall(path.read_text()):
            found[kind].add(key)
    return found


def test_the_catalogues_have_the_same_keys_and_placeholders() -> None:
    en, id_ = catalogue("en"), catalogue("id")
    assert sorted(set(en) - set(id_)) == [], "missing in id.json"
    assert sorted(set(id_) - set(en)) == [], "missing in en.json"
    for key in en:
        assert en[key].strip() and id_[key].strip(), key
        assert set(PLACEHOLDER.findall(en[key])) == set(PLACEHOLDER.findall(id_[key])), key


def test_the_parser_finds_the_calls() -> None:
    keys = used_keys()
    assert "member.title" in keys["t"]
    assert "relay.days" in keys["tn"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_the_code_uses_exists(lang: str) -> None:
    known = set(catalogue(lang))
    keys = used_keys()
    missing = sorted(k for k in keys["t"] if k not in known)
    missing += sorted(f"{k}.{form}" for k in keys["tn"] for form in ("one", "other")
                      if f"{k}.{form}" not in known)
    assert missing == [], f"{lang}.json lacks {missing}"
