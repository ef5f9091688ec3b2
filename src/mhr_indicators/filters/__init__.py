"""A small, whitelisted filter grammar for domains and indicator populations.

Indicator specs are shared files, so their filters are never handed to ``eval`` or
``DataFrame.query``. :mod:`.grammar` parses them into a tiny syntax tree (in time linear in the
text, with capped length and nesting depth); :mod:`.evaluate` evaluates that tree with vectorised
pandas/numpy operations.

Grammar (keywords are lower case)::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" expr ")" | predicate
    predicate  := operand op operand                      op: == != < <= > >=
                | NAME ["not"] "in" "(" literal ("," literal)* ")"
                | NAME ["not"] "between" literal "and" literal   (inclusive)
                | NAME "is" ["not"] "missing"
    operand    := NAME | literal
    literal    := number | 'string' | "string" | true | false

A filter is at most :data:`MAX_FILTER_LENGTH` characters long and nests parentheses and
``not`` at most :data:`MAX_FILTER_DEPTH` deep; beyond either limit it is refused with a
:class:`~mhr_indicators.errors.FilterError` giving the position and the limit. (For a domain too
complex for that, pass a boolean array as ``where=``.)

Missing values follow three-valued logic: a comparison with a missing value is *unknown*; ``not``
of unknown is unknown; ``unknown and false`` is false, ``unknown or true`` is true. A row belongs to
the filtered domain only when the whole expression is *true*, so a missing age never enters an
``age >= 15`` population nor its negation. Use ``is missing`` to select missing values explicitly.

Examples
--------
>>> f = parse_filter("age between 15 and 64 and sex == 'F'")
>>> f.columns
('age', 'sex')
"""

from __future__ import annotations

from .evaluate import evaluate_filter, truth_values
from .grammar import (
    MAX_FILTER_DEPTH,
    MAX_FILTER_LENGTH,
    Between,
    BoolOp,
    Column,
    Compare,
    Filter,
    IsIn,
    IsMissing,
    Literal,
    Node,
    Not,
    parse_filter,
)

__all__ = [
    "MAX_FILTER_DEPTH",
    "MAX_FILTER_LENGTH",
    "Between",
    "BoolOp",
    "Column",
    "Compare",
    "Filter",
    "IsIn",
    "IsMissing",
    "Literal",
    "Node",
    "Not",
    "evaluate_filter",
    "parse_filter",
    "truth_values",
]
