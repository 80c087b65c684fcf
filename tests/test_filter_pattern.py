"""The CloudWatch Logs JSON filter-pattern matcher: syntax, semantics and refusals."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rootguard.filter_pattern import (
    AllOf,
    AnyOf,
    Comparison,
    IsNull,
    NotExists,
    ParseError,
    matches,
    parse,
)

EVENT = {
    "eventName": "ConsoleLogin",
    "errorCode": "Client.UnauthorizedOperation",
    "userIdentity": {"type": "Root", "sessionContext": {"attributes": {"mfa": "true"}}},
    "requestParameters": None,
    "readOnly": False,
    "count": 3,
    "tags": ["a", "b"],
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.eventName = "ConsoleLogin" }', True),
        ("{ $.eventName = ConsoleLogin }", True),
        ("{$.eventName=ConsoleLogin}", True),
        ('{ $.eventName = "consolelogin" }', False),  # case-sensitive
        ('{ $.eventName = "Console" }', False),  # whole value, not substring
        ('{ $.eventName = "Console*" }', True),  # prefix wildcard
        ('{ $.errorCode = "*UnauthorizedOperation" }', True),  # suffix wildcard
        ('{ $.eventName = "C*L*n" }', True),  # inner wildcards
        ('{ $.eventName = "*" }', True),
        ('{ $.eventName != "ConsoleLogin" }', False),
        ('{ $.eventName != "Other" }', True),
        ('{ $.userIdentity.type = "Root" }', True),
        ('{ $.userIdentity.sessionContext.attributes.mfa = "true" }', True),
    ],
)
def test_comparisons(pattern: str, expected: bool) -> None:
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize(
    "pattern",
    [
        '{ $.missing = "x" }',
        '{ $.missing != "x" }',  # CloudWatch Logs: != is false on an absent property
        '{ $.missing = "*" }',
        '{ $.userIdentity.type.deeper = "Root" }',  # walking through a string
        '{ $.requestParameters != "x" }',  # null is not a string
        '{ $.readOnly = "false" }',  # booleans are not strings
        '{ $.count != "4" }',  # numbers are not strings
        '{ $.tags = "a" }',  # arrays are not strings
        '{ $.userIdentity = "*" }',  # objects are not strings
    ],
)
def test_comparisons_need_a_string_value(pattern: str) -> None:
    assert matches(pattern, EVENT) is False


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("{ $.missing NOT EXISTS }", True),
        ("{ $.userIdentity.invokedBy NOT EXISTS }", True),
        ("{ $.userIdentity.type NOT EXISTS }", False),
        ("{ $.requestParameters NOT EXISTS }", False),  # present, though null
        ("{ $.requestParameters IS NULL }", True),
        ("{ $.missing IS NULL }", False),
        ("{ $.eventName IS NULL }", False),
    ],
)
def test_existence_and_null(pattern: str, expected: bool) -> None:
    assert matches(pattern, EVENT) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ $.eventName = "ConsoleLogin" && $.userIdentity.type = "Root" }', True),
        ('{ $.eventName = "ConsoleLogin" && $.userIdentity.type = "IAMUser" }', False),
        ('{ $.eventName = "X" || $.userIdentity.type = "Root" }', True),
        ('{ $.eventName = "X" || $.userIdentity.type = "Y" }', False),
        ('{ ($.eventName = "X" || $.eventName = "ConsoleLogin") && $.missing NOT EXISTS }', True),
        ('{ (($.eventName = "X") || ($.eventName = "Y")) && ($.missing NOT EXISTS) }', False),
        ('{ ((($.eventName = "ConsoleLogin"))) }', True),
    ],
)
def test_logic(pattern: str, expected: bool) -> None:
    assert matches(pattern, EVENT) is expected


def test_parse_builds_the_expected_tree() -> None:
    parsed = parse('{ ($.a = "x*" || $.b != y) && $.c.d NOT EXISTS && $.e IS NULL }')
    assert parsed.expression == AllOf(
        (
            AnyOf((Comparison(("a",), "=", "x*"), Comparison(("b",), "!=", "y"))),
            NotExists(("c", "d")),
            IsNull(("e",)),
        )
    )
    assert [str(c) for c in parsed.conditions()] == [
        '$.a = "x*"',
        '$.b != "y"',
        "$.c.d NOT EXISTS",
        "$.e IS NULL",
    ]


def test_quoted_values_unescape() -> None:
    assert matches(r'{ $.m = "say \"hi\"" }', {"m": 'say "hi"'})
    assert matches('{ $.m = "a b (c) && d" }', {"m": "a b (c) && d"})


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "must start with '{'"),
        ("ERROR", "must start with '{'"),
        ('$.eventName = "x"', "must start with '{'"),
        ("{}", "expected a selector"),
        ('{ $.eventName = "x"', "expected '}'"),
        ('{ $.eventName = "x" }}', "unexpected text after"),
        ('{ ($.eventName = "x" }', "expected ')'"),
        ('{ $.eventName == "x" }', "expected a quoted or bare string value"),
        ("{ $.eventName = }", "expected a quoted or bare string value"),
        ('{ $.eventName "x" }', "expected '=', '!=', 'NOT EXISTS' or 'IS NULL'"),
        ("{ $.eventName EXISTS }", "expected '=', '!=', 'NOT EXISTS' or 'IS NULL'"),
        ("{ $.eventName NOT NULL }", "expected 'EXISTS'"),
        ("{ $.eventName IS TRUE }", "expected 'NULL'"),
        ('{ eventName = "x" }', "expected a selector"),
        ('{ $.a = "x" && && $.b = "y" }', "expected a selector"),
        ('{ $.a = "x" & $.b = "y" }', "unexpected character '&'"),
        ("{ $.latency > 100 }", "numeric comparisons"),
        ("{ $.latency = 100 }", "numeric comparisons are not supported"),
        ('{ $.items[0] = "x" }', "array indexes"),
        ("{ $.message = %ERROR% }", "regular expressions"),
        ('{ $.a = "unterminated }', "unexpected character '\"'"),
        ("[ip, user, status=4*]", "space-delimited patterns are not supported"),
    ],
)
def test_broken_patterns_fail(pattern: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse(pattern)


def test_parse_error_reports_position() -> None:
    with pytest.raises(ParseError) as caught:
        parse('{ $.a = "x" || $.b = "y" && && $.c = "z" }')
    assert caught.value.position == 28
    assert "position 28" in str(caught.value)


@pytest.mark.parametrize(
    ("pattern", "tree"),
    [
        (
            "{ $.a = x && $.b = y || $.c = z }",
            AnyOf((AllOf((Comparison(("a",), "=", "x"), Comparison(("b",), "=", "y"))),
                   Comparison(("c",), "=", "z"))),
        ),
        (
            "{ $.a = x || $.b = y && $.c = z }",
            AnyOf((Comparison(("a",), "=", "x"),
                   AllOf((Comparison(("b",), "=", "y"), Comparison(("c",), "=", "z"))))),
        ),
        (
            "{ ($.a = x || $.b = y) && $.c = z }",
            AllOf((AnyOf((Comparison(("a",), "=", "x"), Comparison(("b",), "=", "y"))),
                   Comparison(("c",), "=", "z"))),
        ),
    ],
)  # fmt: skip
def test_and_binds_tighter_than_or(pattern: str, tree: object) -> None:
    """CloudWatch Logs: "the syntax follows standard order of operations () > && > ||"."""
    assert parse(pattern).expression == tree
    assert matches(pattern.replace("$.a = x", "$.a = nope"), {"a": "x", "b": "y", "c": "z"})


_KEYS = st.sampled_from(["a", "b", "c"])
_VALUES = st.sampled_from(["x", "y", "x*", "*y", "*"])
_CONDITIONS = st.one_of(
    st.builds(lambda k, v: f'$.{k} = "{v}"', _KEYS, _VALUES),
    st.builds(lambda k, v: f'$.{k} != "{v}"', _KEYS, _VALUES),
    st.builds(lambda k: f"$.{k} NOT EXISTS", _KEYS),
    st.builds(lambda k: f"$.{k} IS NULL", _KEYS),
)
_EXPRESSIONS = st.recursive(
    _CONDITIONS,
    lambda inner: st.builds(
        lambda terms, joiner: "(" + f" {joiner} ".join(terms) + ")",
        st.lists(inner, min_size=2, max_size=3),
        st.sampled_from(["&&", "||"]),
    ),
    max_leaves=8,
)
_EVENTS = st.dictionaries(_KEYS, st.one_of(st.none(), st.sampled_from(["x", "y", "xy", "z"])))


@given(_EXPRESSIONS, _EVENTS)
def test_canonical_form_means_the_same(expression: str, event: dict[str, str | None]) -> None:
    parsed = parse("{ " + expression + " }")
    reparsed = parse(parsed.canonical())
    assert reparsed.canonical() == parsed.canonical()
    assert reparsed.matches(event) == parsed.matches(event)


@given(_EXPRESSIONS, _EVENTS)
def test_matches_agrees_with_a_reference_evaluation(
    expression: str, event: dict[str, str | None]
) -> None:
    # Rewrite the pattern as Python and evaluate it: an independent oracle for the subset.
    def condition(m: re.Match[str]) -> str:
        key, rest = m.group(1), m.group(2)
        if rest == "NOT EXISTS":
            return f"({key!r} not in E)"
        if rest == "IS NULL":
            return f"({key!r} in E and E[{key!r}] is None)"
        op, value = rest.split(" ", 1)
        regex = "^" + ".*".join(re.escape(p) for p in value.strip('"').split("*")) + "$"
        test = f"(isinstance(E.get({key!r}), str) and bool(re.match({regex!r}, E[{key!r}])))"
        if op == "=":
            return test
        return f"(isinstance(E.get({key!r}), str) and not {test})"

    python = re.sub(r'\$\.(\w+) ((?:=|!=) "[^"]*"|NOT EXISTS|IS NULL)', condition, expression)
    python = python.replace("&&", " and ").replace("||", " or ")
    expected = eval(python, {"re": re, "E": event})
    assert matches("{ " + expression + " }", event) is expected
