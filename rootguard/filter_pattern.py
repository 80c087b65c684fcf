"""A matcher for the subset of CloudWatch Logs JSON filter patterns that rootguard relies on.

The alarm catalog's metric filters, and the audit's check that a live metric filter really
covers root usage, both need to know which CloudTrail events a pattern matches, without
AWS. This module parses a pattern into a small expression tree and evaluates it against a
decoded JSON event. Anything outside the subset is a `ParseError`, never a silent guess.

Supported syntax::

    pattern    := "{" or-expr "}"
    or-expr    := and-expr ("||" and-expr)*
    and-expr   := term ("&&" term)*
    term       := "(" or-expr ")" | condition
    condition  := selector ("=" | "!=") value | selector "NOT EXISTS" | selector "IS NULL"
    selector   := "$" ("." name)+                           -- object keys only, no [index]
    value      := "quoted string" | bare-token+             -- "*" is a wildcard in both

Semantics, as CloudWatch Logs applies them to JSON events:

- A selector walks nested objects; if any step is missing or not an object the property
  does not exist.
- `=` and `!=` compare strings only, case-sensitively; `*` matches any run of characters.
  Both are false when the property does not exist or is not a string, so
  `$.a != "x"` does NOT match an event without `a` (CloudWatch Logs behaves this way; use
  `NOT EXISTS` to match an absent property).
- `NOT EXISTS` is true when the property is absent; `IS NULL` when it is present and null.
- Precedence: parentheses, then `&&`, then `||`, so `a || b && c` is `a || (b && c)`.
  Source: Amazon CloudWatch Logs User Guide, "Filter pattern syntax for metric filters",
  JSON compound conditions: "Parenthesis are allowed and the syntax follows standard order
  of operations () > && > ||", with the worked example
  `{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch &&
  $.actions[2] = nomatch }` that matches an event whose email alone matches
  (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html;
  awsdocs/amazon-cloudwatch-logs-user-guide doc_source/FilterAndPatternSyntax.md). The CIS
  v7.0 text of control 5.1 relies on it: `A || B && C && D`.
- A bare (unquoted) value may be several words: CIS v5.0 and later print
  `$.errorMessage = Failed authentication` without quotes. CloudWatch documents bare values
  only for alphanumeric strings and does not say how it reads a bare phrase; this module
  reads the words, with the spacing as written, as one string (the benchmark's evident
  meaning; a metric filter CloudWatch refused would not exist to be audited).

Numeric comparisons (`>`, `<`, bare numbers), `IS TRUE`/`IS FALSE`, array indexes, regular
expressions and non-JSON (term or space-delimited) patterns are not supported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, TypeAlias

__all__ = [
    "AllOf",
    "AnyOf",
    "Comparison",
    "IsNull",
    "NotExists",
    "ParseError",
    "Pattern",
    "matches",
    "parse",
]

_ABSENT = object()


class ParseError(ValueError):
    """The pattern is malformed or uses syntax outside the supported subset."""

    def __init__(self, message: str, pattern: str, position: int) -> None:
        super().__init__(f"{message} at position {position} in filter pattern {pattern!r}")
        self.message = message
        self.pattern = pattern
        self.position = position


def _render_selector(path: tuple[str, ...]) -> str:
    return "$." + ".".join(path)


def _lookup(event: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    current: Any = event
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return _ABSENT
        current = current[key]
    return current


@lru_cache(maxsize=1024)
def _wildcard(value: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in value.split("*")), re.DOTALL)


@dataclass(frozen=True)
class Comparison:
    """`$.a.b = value` or `$.a.b != value`; `*` in the value is a wildcard."""

    selector: tuple[str, ...]
    operator: Literal["=", "!="]
    value: str

    def matches(self, event: Mapping[str, Any]) -> bool:
        found = _lookup(event, self.selector)
        if not isinstance(found, str):
            return False
        equal = _wildcard(self.value).fullmatch(found) is not None
        return equal if self.operator == "=" else not equal

    def __str__(self) -> str:
        return f"{_render_selector(self.selector)} {self.operator} {_quote(self.value)}"


@dataclass(frozen=True)
class NotExists:
    """`$.a.b NOT EXISTS`: the property is absent."""

    selector: tuple[str, ...]

    def matches(self, event: Mapping[str, Any]) -> bool:
        return _lookup(event, self.selector) is _ABSENT

    def __str__(self) -> str:
        return f"{_render_selector(self.selector)} NOT EXISTS"


@dataclass(frozen=True)
class IsNull:
    """`$.a.b IS NULL`: the property is present and JSON null."""

    selector: tuple[str, ...]

    def matches(self, event: Mapping[str, Any]) -> bool:
        return _lookup(event, self.selector) is None

    def __str__(self) -> str:
        return f"{_render_selector(self.selector)} IS NULL"


@dataclass(frozen=True)
class AllOf:
    """`a && b && ...`"""

    terms: tuple[Expression, ...]

    def matches(self, event: Mapping[str, Any]) -> bool:
        return all(term.matches(event) for term in self.terms)

    def __str__(self) -> str:
        return " && ".join(_grouped(term) for term in self.terms)


@dataclass(frozen=True)
class AnyOf:
    """`a || b || ...`"""

    terms: tuple[Expression, ...]

    def matches(self, event: Mapping[str, Any]) -> bool:
        return any(term.matches(event) for term in self.terms)

    def __str__(self) -> str:
        return " || ".join(_grouped(term) for term in self.terms)


Expression: TypeAlias = Comparison | NotExists | IsNull | AllOf | AnyOf
Condition: TypeAlias = Comparison | NotExists | IsNull


def _grouped(term: Expression) -> str:
    return f"({term})" if isinstance(term, AllOf | AnyOf) else str(term)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Pattern:
    """A parsed filter pattern: its source text and its expression tree."""

    source: str
    expression: Expression

    def matches(self, event: Mapping[str, Any]) -> bool:
        """Whether CloudWatch Logs would count this decoded JSON event."""
        return self.expression.matches(event)

    def conditions(self) -> Iterator[Condition]:
        """Every leaf condition, left to right (for callers that inspect a pattern)."""
        stack: list[Expression] = [self.expression]
        while stack:
            node = stack.pop()
            if isinstance(node, AllOf | AnyOf):
                stack.extend(reversed(node.terms))
            else:
                yield node

    def canonical(self) -> str:
        """The pattern re-rendered with every value quoted and minimal parentheses."""
        return "{ " + str(self.expression) + " }"


# Token kinds, tried in order at each position.
_TOKENS = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<punct>[{}()])
  | (?P<logic>&&|\|\|)
  | (?P<op>!=|=)
  | (?P<selector>\$(?:\.[A-Za-z0-9_@:\-]+)+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<word>[A-Za-z0-9_.:/*@+\-]+)
    """,
    re.VERBOSE,
)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_UNSUPPORTED_HINTS = {
    ">": "numeric comparisons (>, <, >=, <=) are not supported",
    "<": "numeric comparisons (>, <, >=, <=) are not supported",
    "[": "array indexes and space-delimited patterns are not supported",
    "%": "regular expressions are not supported",
}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokenize(pattern: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(pattern):
        found = _TOKENS.match(pattern, position)
        if found is None:
            char = pattern[position]
            hint = _UNSUPPORTED_HINTS.get(char, f"unexpected character {char!r}")
            raise ParseError(hint, pattern, position)
        kind = found.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, found.group(), position))
        position = found.end()
    return tokens


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.tokens = _tokenize(pattern)
        self.index = 0

    def fail(self, message: str, token: _Token | None = None) -> ParseError:
        where = token or self.peek()
        position = where.position if where is not None else len(self.pattern)
        return ParseError(message, self.pattern, position)

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise self.fail("unexpected end of pattern")
        self.index += 1
        return token

    def expect(self, text: str) -> None:
        token = self.peek()
        if token is None or token.text != text:
            raise self.fail(f"expected {text!r}")
        self.index += 1

    def parse(self) -> Expression:
        first = self.peek()
        if first is None or first.text != "{":
            raise self.fail("a JSON filter pattern must start with '{'")
        self.take()
        expression = self.expression()
        self.expect("}")
        if self.peek() is not None:
            raise self.fail("unexpected text after the closing '}'")
        return expression

    def expression(self) -> Expression:
        """An or-expression: `&&` binds tighter than `||` (see the module docstring)."""
        terms = [self.conjunction()]
        while self.next_is("||"):
            self.take()
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else AnyOf(tuple(terms))

    def conjunction(self) -> Expression:
        terms = [self.term()]
        while self.next_is("&&"):
            self.take()
            terms.append(self.term())
        return terms[0] if len(terms) == 1 else AllOf(tuple(terms))

    def next_is(self, text: str) -> bool:
        token = self.peek()
        return token is not None and token.text == text

    def term(self) -> Expression:
        token = self.peek()
        if token is not None and token.text == "(":
            self.take()
            inner = self.expression()
            self.expect(")")
            return inner
        return self.condition()

    def condition(self) -> Condition:
        token = self.take()
        if token.kind != "selector":
            raise self.fail("expected a selector like $.eventName", token)
        path = tuple(token.text[2:].split("."))
        following = self.take()
        if following.kind == "op":
            operator: Literal["=", "!="] = "=" if following.text == "=" else "!="
            return Comparison(path, operator, self.value())
        if following.text == "NOT":
            self.expect_word("EXISTS")
            return NotExists(path)
        if following.text == "IS":
            self.expect_word("NULL")
            return IsNull(path)
        raise self.fail("expected '=', '!=', 'NOT EXISTS' or 'IS NULL'", following)

    def expect_word(self, word: str) -> None:
        token = self.take()
        if token.text != word:
            raise self.fail(f"expected {word!r} (only NOT EXISTS and IS NULL are supported)", token)

    def value(self) -> str:
        token = self.take()
        if token.kind == "string":
            return re.sub(r"\\(.)", r"\1", token.text[1:-1])
        if token.kind != "word":
            raise self.fail("expected a quoted or bare string value", token)
        if _NUMBER.fullmatch(token.text):
            raise self.fail("numeric comparisons are not supported", token)
        # A bare phrase (`Failed authentication`): every following word, as written.
        last = token
        while (following := self.peek()) is not None and following.kind == "word":
            last = self.take()
        return self.pattern[token.position : last.position + len(last.text)]


@lru_cache(maxsize=256)
def parse(pattern: str) -> Pattern:
    """Parse a JSON filter pattern; raises ParseError naming the position of the problem."""
    return Pattern(pattern, _Parser(pattern).parse())


def matches(pattern: str, event: Mapping[str, Any]) -> bool:
    """Whether `pattern` (a CloudWatch Logs JSON filter pattern) matches the decoded `event`."""
    return parse(pattern).matches(event)
