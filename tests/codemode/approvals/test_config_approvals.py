"""The approval keys of the config's `codemode` section, and the policy the app builds from them."""

from __future__ import annotations

from typing import Any

import pytest

from codemode.app import engine_settings
from codemode.approvals import ApprovalPolicy
from codemode.config import parse_config
from codemode.errors import ConfigError


def test_the_keys_become_the_engines_policy() -> None:
    section = {
        "approve": ["tracker.close_issue", "github.delete_*"],
        "approve_destructive": False,
        "approval_fallback": "allow",
        "approval_timeout_s": 30,
    }
    settings = engine_settings(parse_config({"codemode": section}))
    assert settings.approvals == ApprovalPolicy(
        approve=("tracker.close_issue", "github.delete_*"),
        approve_destructive=False,
        fallback="allow",
        timeout_s=30.0,
    )


def test_by_default_destructive_tools_are_asked_about_and_unanswerable_ones_denied() -> None:
    assert engine_settings(parse_config({})).approvals == ApprovalPolicy()
    assert ApprovalPolicy().approve_destructive and ApprovalPolicy().fallback == "deny"
    assert ApprovalPolicy().timeout_s == 300


@pytest.mark.parametrize(
    ("section", "needle"),
    [
        pytest.param({"approve": ["close_issue"]}, "'close_issue' names no namespace", id="no-namespace"),
        pytest.param({"approve": "tracker.*"}, "`approve` must be an array", id="not-a-list"),
        pytest.param({"approval_fallback": "ask"}, "approval_fallback", id="bad-fallback"),
        pytest.param({"approval_timeout_s": 0}, "approval_timeout_s", id="zero-timeout"),
        pytest.param({"aprove": ["x.y"]}, "approve", id="typo-suggests-the-key"),
    ],
)
def test_mistakes_are_named_with_the_key(section: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"codemode": section})
    assert needle in str(caught.value)
