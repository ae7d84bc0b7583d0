"""The ``?filter=`` expression language (HashiCorp go-bexpr), for the cases clients use.

Supported: selectors (``Service.Meta.version``, ``ServiceTags``, ``Meta["k"]``), operators ``==``,
``!=``, ``in``, ``not in``, ``contains``, ``not contains``, ``matches``, ``not matches``,
``is empty``, ``is not empty``, and ``and``/``or``/``not`` with parentheses. Values are quoted
strings (``"x"`` or raw `` `x` ``), numbers, booleans or bare words. A selector naming a field the
record does not have is an error, as in Consul (400 "Failed to create boolean expression
evaluator"), so a typo in a client's filter fails here as it would in production.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

MAP_FIELDS = frozenset(
    {
        "Meta",
        "NodeMeta",
        "ServiceMeta",
        "TaggedAddresses",
        "ServiceTaggedAddresses",
        "Config",
    }
)
"""Fields that are Go maps: a missing key there is "no value", not an invalid selector."""

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
    |(?P<string>"(?:[^"\\]|\\.)*")
    |(?P<raw>`[^`]*`)
    |(?P<op>==|!=|\(|\)|\[|\]|\.)
    |(?P<number>-?\d+(?:\.\d+)?(?![\w-]))
    |(?P<word>[A-Za-z_][\w\-/:]*)
    """,
    re.VERBOSE,
)

_MISSING = object()


class FilterError(ValueError):
    """A filter Consul would reject; ``str()`` is the 400 response text."""


Predicate = Callable[[dict[str, Any]], bool]


def _tokenize(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise FilterError(f"Failed to create boolean expression evaluator: unexpected {text[pos:]!r}")
        pos = match.end()
        kind = match.lastgroup or ""
        value: Any = match.group(kind)
        if kind == "ws":
            continue
        if kind == "string":
            value = json.loads(value)
        elif kind == "raw":
            kind, value = "string", value[1:-1]
        tokens.append((kind, value))
    return tokens


def _either(left: Predicate, right: Predicate) -> Predicate:
    return lambda record: left(record) or right(record)


def _both(left: Predicate, right: Predicate) -> Predicate:
    return lambda record: left(record) and right(record)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0

    def _peek(self, offset: int = 0) -> tuple[str, Any] | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def _is_word(self, word: str, offset: int = 0) -> bool:
        token = self._peek(offset)
        return token is not None and token[0] == "word" and token[1] == word

    def _expect(self, kind: str, value: Any = None) -> Any:
        token = self._peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            raise FilterError(
                f"Failed to create boolean expression evaluator: expected {value or kind} at {token!r}"
            )
        self.pos += 1
        return token[1]

    def parse(self) -> Predicate:
        predicate = self._or()
        if self._peek() is not None:
            raise FilterError(f"Failed to create boolean expression evaluator: unexpected {self._peek()!r}")
        return predicate

    def _or(self) -> Predicate:
        left = self._and()
        while self._is_word("or"):
            self.pos += 1
            right = self._and()
            left = _either(left, right)
        return left

    def _and(self) -> Predicate:
        left = self._not()
        while self._is_word("and"):
            self.pos += 1
            right = self._not()
            left = _both(left, right)
        return left

    def _not(self) -> Predicate:
        if self._is_word("not"):
            self.pos += 1
            inner = self._not()
            return lambda r: not inner(r)
        if self._peek() == ("op", "("):
            self.pos += 1
            inner = self._or()
            self._expect("op", ")")
            return inner
        return self._match()

    def _value(self) -> Any:
        token = self._peek()
        if token is None or token[0] not in ("string", "number", "word"):
            raise FilterError(f"Failed to create boolean expression evaluator: expected a value at {token!r}")
        self.pos += 1
        return token[1]

    def _selector(self) -> list[str]:
        path = [self._expect("word")]
        while True:
            token = self._peek()
            if token == ("op", "."):
                self.pos += 1
                path.append(str(self._value()))
            elif token == ("op", "["):
                self.pos += 1
                path.append(str(self._value()))
                self._expect("op", "]")
            else:
                return path

    def _match(self) -> Predicate:
        token = self._peek()
        starts_with_value = token is not None and (
            token[0] in ("string", "number")
            or (
                token[0] == "word"
                and (self._is_word("in", 1) or (self._is_word("not", 1) and self._is_word("in", 2)))
            )
        )
        if starts_with_value:
            value = self._value()
            negate = self._is_word("not")
            if negate:
                self.pos += 1
            self._expect("word", "in")
            path = self._selector()
            return _compile("in", path, value, negate)
        path = self._selector()
        if self._is_word("is"):
            self.pos += 1
            negate = self._is_word("not")
            if negate:
                self.pos += 1
            self._expect("word", "empty")
            return _compile("empty", path, None, negate)
        negate = self._is_word("not")
        if negate:
            self.pos += 1
        token = self._peek()
        if not negate and token is not None and token[0] == "op" and token[1] in ("==", "!="):
            self.pos += 1
            return _compile("==", path, self._value(), token[1] == "!=")
        if token is not None and token[0] == "word" and token[1] in ("contains", "matches"):
            self.pos += 1
            return _compile(token[1], path, self._value(), negate)
        raise FilterError(
            f"Failed to create boolean expression evaluator: expected an operator after {'.'.join(path)}"
        )


def _resolve(record: Any, path: list[str]) -> Any:
    current: Any = record
    for position, part in enumerate(path):
        parent_name = path[position - 1] if position else ""
        if isinstance(current, list):
            current = [_resolve(item, path[position:]) for item in current]
            return [item for item in current if item is not _MISSING]
        if not isinstance(current, dict):
            raise FilterError(
                f'Failed to create boolean expression evaluator: Selector "{".".join(path)}" is not valid'
            )
        if part in current:
            current = current[part]
        elif parent_name in MAP_FIELDS or current is None:
            return _MISSING
        else:
            raise FilterError(
                f'Failed to create boolean expression evaluator: Selector "{".".join(path)}" is not valid'
            )
        if current is None:
            return _MISSING if position < len(path) - 1 else None
    return current


def _coerce(field_value: Any, literal: Any) -> Any:
    """Convert the filter's literal to the field's type, as bexpr does."""
    if isinstance(field_value, bool):
        return str(literal).lower() == "true"
    if isinstance(field_value, int):
        try:
            return int(str(literal))
        except ValueError:
            return literal
    if isinstance(field_value, float):
        return float(str(literal))
    return str(literal)


def _compile(op: str, path: list[str], literal: Any, negate: bool) -> Predicate:
    def evaluate(record: dict[str, Any]) -> bool:
        value = _resolve(record, path)
        if op == "empty":
            result = value is _MISSING or value in (None, "", [], {})
        elif op == "in" or op == "contains":
            if isinstance(value, dict):
                result = str(literal) in value
            elif isinstance(value, list):
                result = any(str(item) == str(literal) for item in value)
            elif isinstance(value, str):
                result = str(literal) in value
            else:
                result = False
        elif op == "matches":
            result = isinstance(value, str) and re.search(str(literal), value) is not None
        elif isinstance(value, (list, dict)):
            raise FilterError(
                f'Failed to create boolean expression evaluator: cannot use == on "{".".join(path)}"'
            )
        else:
            result = value is not _MISSING and value == _coerce(value, literal)
        return not result if negate else result

    return evaluate


def compile_filter(text: str) -> Predicate:
    """Compile a filter expression into a predicate over one JSON record."""
    return _Parser(text).parse()


def apply_filter(text: str | None, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the records that match ``text`` (all of them when there is no filter)."""
    if not text:
        return records
    predicate = compile_filter(text)
    return [record for record in records if predicate(record)]
