"""Consul ACL rules: a parser for the HCL subset policies use, and the authorizer that applies them.

segsvc ships a least-privilege policy (``consul/segsvc-policy.hcl``); the double enforces that very
file, so a missing or too-narrow rule fails the project's tests the way it would fail in
production. Matching copies Consul's policy authorizer: an exact rule for a name wins, otherwise the
longest matching prefix rule wins, and a name no rule covers falls back to the default policy.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field

RESOURCES = ("agent", "event", "key", "node", "query", "service", "session")
"""Resource kinds that take ``kind "name" { policy = ... }`` and ``kind_prefix`` blocks."""

SCALAR_RESOURCES = ("acl", "keyring", "mesh", "operator", "peering")
"""Resource kinds that take a bare ``kind = "policy"`` attribute (parsed, not enforced here)."""

POLICIES = ("read", "write", "deny", "list")

ANONYMOUS_ACCESSOR = "00000000-0000-0000-0000-000000000002"

_PRECEDENCE = {"deny": 4, "write": 3, "list": 2, "read": 1}
"""Consul merges duplicate rules by precedence: deny over write over list over read."""


class RulesError(ValueError):
    """Raised for rules Consul would refuse with "Failed to parse ACL rules"."""


class ACLNotFound(Exception):
    """The request carried a token this cluster does not know (Consul: 403 "ACL not found")."""


class PermissionDenied(Exception):
    """The token lacks a permission; the message follows Consul's wording."""


@dataclass
class Rules:
    """Parsed rules: per resource kind, exact-name and prefix maps of name → policy."""

    exact: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k in RESOURCES})
    prefix: dict[str, dict[str, str]] = field(default_factory=lambda: {k: {} for k in RESOURCES})
    scalars: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, name: str, policy: str, *, is_prefix: bool) -> None:
        """Record one rule, merging duplicates the way Consul does."""
        if policy not in POLICIES or (policy == "list" and kind != "key"):
            raise RulesError(f'Failed to parse ACL rules: Invalid {kind} policy: "{policy}"')
        table = (self.prefix if is_prefix else self.exact)[kind]
        current = table.get(name)
        if current is None or _PRECEDENCE[policy] > _PRECEDENCE[current]:
            table[name] = policy


# --------------------------------------------------------------------------------------- parsing

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
    |(?P<string>"(?:[^"\\]|\\.)*")
    |(?P<ident>[A-Za-z_][A-Za-z0-9_\-]*)
    |(?P<punct>[={}\[\],:])
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            line = text.count("\n", 0, pos) + 1
            raise RulesError(f"Failed to parse ACL rules: unexpected character {text[pos]!r} on line {line}")
        pos = match.end()
        kind = match.lastgroup or ""
        if kind == "ws":
            continue
        value = match.group(kind)
        if kind == "string":
            value = json.loads(value)
        tokens.append((kind, value))
    return tokens


class _HCLParser:
    """Recursive-descent parser for the HCL shapes Consul policies use.

    Accepted: ``kind "name" { policy = "read" }`` blocks (optionally ``kind "name" = { ... }``),
    attributes ``operator = "read"``, comments ``#``, ``//`` and ``/* */``, optional commas.
    """

    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self, kind: str | None = None, value: str | None = None) -> str:
        token = self._peek()
        if token is None or (kind and token[0] != kind) or (value is not None and token[1] != value):
            want = value or kind or "token"
            got = "end of input" if token is None else repr(token[1])
            raise RulesError(f"Failed to parse ACL rules: expected {want}, got {got}")
        self.pos += 1
        return token[1]

    def _attrs(self) -> dict[str, str]:
        self._take("punct", "{")
        attrs: dict[str, str] = {}
        while (token := self._peek()) is not None and token != ("punct", "}"):
            if token == ("punct", ","):
                self.pos += 1
                continue
            name = self._take("ident")
            self._take("punct", "=")
            attrs[name] = self._take("string")
        self._take("punct", "}")
        return attrs

    def parse(self) -> Rules:
        rules = Rules()
        while self._peek() is not None:
            if self._peek() == ("punct", ","):
                self.pos += 1
                continue
            word = self._take("ident")
            base, is_prefix = (word[: -len("_prefix")], True) if word.endswith("_prefix") else (word, False)
            if word in SCALAR_RESOURCES:
                self._take("punct", "=")
                rules.scalars[word] = self._take("string")
                continue
            if base not in RESOURCES:
                raise RulesError(f"Failed to parse ACL rules: unknown rule type {word!r}")
            name = self._take("string")
            if self._peek() == ("punct", "="):
                self.pos += 1
            attrs = self._attrs()
            if "policy" not in attrs:
                raise RulesError(f'Failed to parse ACL rules: {word} "{name}" has no policy')
            rules.add(base, name, attrs["policy"], is_prefix=is_prefix)
        return rules


def _parse_json_rules(text: str) -> Rules:
    """Parse the JSON form of rules (``{"service": {"x": {"policy": "read"}}}``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(f"Failed to parse ACL rules: {exc}") from exc
    rules = Rules()
    for word, body in data.items():
        if word in SCALAR_RESOURCES:
            rules.scalars[word] = str(body)
            continue
        base, is_prefix = (word[: -len("_prefix")], True) if word.endswith("_prefix") else (word, False)
        if base not in RESOURCES or not isinstance(body, dict):
            raise RulesError(f"Failed to parse ACL rules: unknown rule type {word!r}")
        for name, attrs in body.items():
            if not isinstance(attrs, dict) or "policy" not in attrs:
                raise RulesError(f'Failed to parse ACL rules: {word} "{name}" has no policy')
            rules.add(base, name, attrs["policy"], is_prefix=is_prefix)
    return rules


def parse_rules(text: str) -> Rules:
    """Parse ACL rules written in HCL (or Consul's equivalent JSON form)."""
    if text.lstrip().startswith("{"):
        return _parse_json_rules(text)
    return _HCLParser(text).parse()


# ---------------------------------------------------------------------------------- authorizing


class Authorizer:
    """Answers "may this token do X to Y" as Consul's policy authorizer would.

    ``rules`` is ``None`` for the management token (everything allowed). A name no rule covers
    falls back to ``default_allow`` (Consul's ``acl.default_policy``).
    """

    def __init__(
        self,
        rules: Rules | None,
        *,
        default_allow: bool,
        accessor_id: str,
        anonymous: bool = False,
    ):
        self.rules = rules
        self.default_allow = default_allow
        self.accessor_id = accessor_id
        self.anonymous = anonymous

    def _policy(self, kind: str, name: str) -> str | None:
        assert self.rules is not None
        exact = self.rules.exact[kind].get(name)
        if exact is not None:
            return exact
        best: str | None = None
        best_len = -1
        for prefix, policy in self.rules.prefix[kind].items():
            if name.startswith(prefix) and len(prefix) > best_len:
                best, best_len = policy, len(prefix)
        return best

    def allowed(self, kind: str, name: str, access: str) -> bool:
        """``access`` is ``read``, ``list`` or ``write``.

        As Consul's ``enforce``: ``write`` grants everything, ``list`` grants list and read,
        ``read`` grants read only (not list), ``deny`` nothing.
        """
        if self.rules is None:
            return True
        policy = self._policy(kind, name)
        if policy is None:
            return self.default_allow
        if access == "write":
            return policy == "write"
        if access == "list":
            return policy in ("list", "write")
        return policy in ("read", "list", "write")

    def key_write_prefix(self, prefix: str) -> bool:
        """May every key under ``prefix`` be deleted? (Consul's ``KeyWritePrefix``.)

        The longest rule at or above the prefix must grant write, and no rule inside the prefix
        may grant less than write.
        """
        if self.rules is None:
            return True
        for table in (self.rules.exact["key"], self.rules.prefix["key"]):
            for name, policy in table.items():
                if name.startswith(prefix) and policy != "write":
                    return False
        best: str | None = None
        best_len = -1
        for name, policy in self.rules.prefix["key"].items():
            if prefix.startswith(name) and len(name) > best_len:
                best, best_len = policy, len(name)
        if best is None:
            return self.default_allow
        return best == "write"

    def require(self, kind: str, name: str, access: str) -> None:
        """Raise :class:`PermissionDenied` unless allowed, with Consul's message."""
        if self.allowed(kind, name, access):
            return
        raise PermissionDenied(self.denial(kind, name, access))

    def denial(self, kind: str, name: str, access: str) -> str:
        """Consul's permission-denied text for this token, resource and access level."""
        who = "anonymous token" if self.anonymous else f"token with AccessorID '{self.accessor_id}'"
        message = f"Permission denied: {who} lacks permission '{kind}:{access}' on \"{name}\""
        if self.anonymous:
            message += ". The anonymous token is used implicitly when a request does not specify a token."
        return message


@dataclass
class Token:
    """A token the double knows: its secret, accessor and rules (``None`` = management)."""

    secret_id: str
    accessor_id: str
    rules: Rules | None
    rules_text: str
    description: str


class TokenStore:
    """The cluster's tokens; resolves a request's secret to an :class:`Authorizer`."""

    def __init__(self, *, default_policy: str, master_token: str) -> None:
        if default_policy not in ("allow", "deny"):
            raise ValueError("acl_default_policy must be 'allow' or 'deny'")
        self.default_allow = default_policy == "allow"
        self.tokens: dict[str, Token] = {}
        self.tokens[master_token] = Token(
            master_token, str(uuid.uuid4()), None, "", "Initial Management Token"
        )

    def add(self, secret: str, rules_text: str, description: str = "") -> Token:
        """Create (or replace) a client token whose single policy is ``rules_text``."""
        token = Token(secret, str(uuid.uuid4()), parse_rules(rules_text), rules_text, description)
        self.tokens[secret] = token
        return token

    def resolve(self, secret: str) -> Authorizer:
        """Authorizer for ``secret``; an empty secret is the anonymous token."""
        if not secret:
            return Authorizer(
                Rules(),
                default_allow=self.default_allow,
                accessor_id=ANONYMOUS_ACCESSOR,
                anonymous=True,
            )
        token = self.tokens.get(secret)
        if token is None:
            raise ACLNotFound("ACL not found")
        return Authorizer(token.rules, default_allow=self.default_allow, accessor_id=token.accessor_id)


ALLOW_ALL = Authorizer(None, default_allow=True, accessor_id="")
"""The authorizer used when ACLs are disabled."""
