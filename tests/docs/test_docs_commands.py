"""The shell and YAML examples of the documentation use real commands, options and fields.

Python snippets are run by ``tests/test_docs_snippets.py``. The other code blocks of the README
and the documentation site cannot all run here (they install packages, or name a user's
files), so they are checked against the code instead: every ``mhr ...`` command line of a
``bash`` block parses with the command-line parser, every script it runs with ``python`` exists,
and every YAML block that is a batch job (or a list of job inputs) validates against the job's
config model.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex

import pytest
import yaml

from ..conftest import REPO

FENCE = re.compile(r"^```(?P<lang>[\w-]*)\n(?P<body>.*?)^```", re.S | re.M)


def _pages():
    docs = REPO / "docs"
    site = [
        p
        for p in docs.rglob("*.md")
        if not any(part.startswith("_") for part in p.relative_to(docs).parts)
    ]
    return [REPO / "README.md", *sorted(site)]


def _blocks(lang: str) -> list[tuple[str, str]]:
    found = []
    for page in _pages():
        for m in FENCE.finditer(page.read_text(encoding="utf-8")):
            if m["lang"] == lang:
                found.append((page.relative_to(REPO).as_posix(), m["body"]))
    return found


def _commands() -> list[tuple[str, list[str]]]:
    """Every command of the bash blocks, split on ``&&`` and ``;``, comments removed."""
    out = []
    for page, body in _blocks("bash"):
        for line in body.splitlines():
            line = line.split(" #", 1)[0].strip()
            if not line or line.startswith("#"):
                continue
            for part in re.split(r"&&|;", line):
                if part.strip():
                    out.append((page, shlex.split(part)))
    return out


COMMANDS = _commands()


def test_the_docs_show_commands():
    assert sum(1 for _, argv in COMMANDS if argv[0] == "mhr") >= 5


@pytest.mark.parametrize(
    "page, argv",
    [(p, a) for p, a in COMMANDS if a[0] == "mhr"],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_mhr_commands_parse(page, argv):
    from mhr_indicators.cli import build_parser

    parser = build_parser()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        try:
            parser.parse_args(argv[1:])
        except SystemExit as exc:
            assert exc.code == 0, f"{page}: `{' '.join(argv)}` does not parse: {err.getvalue()}"


@pytest.mark.parametrize(
    "page, argv",
    [(p, a) for p, a in COMMANDS if a[0] == "python" and a[1].endswith(".py")],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_scripts_exist(page, argv):
    assert (REPO / argv[1]).is_file(), f"{page}: `{' '.join(argv)}`: no such script"


@pytest.mark.parametrize("page, body", _blocks("yaml"), ids=lambda v: v[:40])
def test_yaml_job_examples_validate(page, body):
    from mhr_indicators.batch.config import InputConfig, JobConfig

    data = yaml.safe_load(body)
    assert isinstance(data, dict), f"{page}: a YAML example that is not a mapping"
    if {"inputs", "output"} <= set(data):
        JobConfig.model_validate(data)
    elif set(data) == {"inputs"}:
        for item in data["inputs"]:
            InputConfig.model_validate(item)
    else:
        pytest.fail(f"{page}: a YAML block that is neither a job nor its inputs: {sorted(data)}")
