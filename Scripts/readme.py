#!/usr/bin/env python3
"""Runs the ```console examples in README.md and writes their real output back.

Usage: Scripts/readme.py [--check | --fresh] [ACCORD_BINARY]

Each `$ ` line of a ```console block is run with /bin/sh in a scratch directory,
`accord` meaning the built binary (default .build/debug/accord). Blocks share one
directory per session, which starts with a copy of examples/; an HTML comment
`<!-- readme-session: NAME -->` just before a block puts it in session NAME. The
environment is fixed (ACCORD_NOW, ACCORD_ACTOR) so output is reproducible apart
from random ledger ids, hashes and signatures. A command's output is what it wrote to stderr, then to stdout.
The test suite (Tests/AccordCLITests/ReadmeTests.swift) runs the same examples
and compares them, ignoring hex digests, ids and signatures. A session whose
examples changed only in those keeps its old text; one that changed otherwise
is written whole from this run (so its roots agree), and --fresh writes every
session from this run.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ENV = {"ACCORD_NOW": "2025-06-10T12:00:00Z", "ACCORD_ACTOR": "monitor"}
SESSION = re.compile(r"<!-- readme-session: (\S+) -->")


def blocks(lines):
    """Yields (start, end, session) of each ```console block's body lines."""
    session = "main"
    i = 0
    while i < len(lines):
        match = SESSION.search(lines[i])
        if match:
            session = match.group(1)
        if lines[i].strip() == "```console":
            start = i + 1
            end = start
            while lines[end].strip() != "```":
                end += 1
            yield start, end, session
            session = "main"
            i = end
        i += 1


PATTERNS = [
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    re.compile(r"[A-Za-z0-9+/]{40,}={0,2}"),
    re.compile(r"[0-9a-f]{8,}"),
]


def normalize(text):
    """What the test compares: random ids, digests and signatures masked."""
    for pattern in PATTERNS:
        text = pattern.sub("<x>", text)
    return "\n".join(line.rstrip() for line in text.replace("\r", "").split("\n"))


def run(command, binary, cwd):
    if command.startswith("accord "):
        command = binary + command[len("accord"):]
    elif command.startswith("swift run accord "):
        command = binary + command[len("swift run accord"):]
    env = dict(os.environ)
    env.pop("ACCORD_DB", None)
    env.update(ENV)
    result = subprocess.run(["/bin/sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True)
    return result.stderr + result.stdout


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    binary = os.path.abspath(args[0] if args else ".build/debug/accord")
    readme = "README.md"
    lines = open(readme, encoding="utf-8").read().split("\n")
    sessions = {}
    try:
        new = render(lines, binary, sessions)
    finally:
        # The sessions' directories are scratch: nothing in them is kept.
        for directory in sessions.values():
            shutil.rmtree(directory, ignore_errors=True)
    if "--check" in sys.argv:
        sys.exit(0 if new == "\n".join(lines) else 1)
    open(readme, "w", encoding="utf-8").write(new)


def render(lines, binary, sessions):
    """The README with every example's output as the binary prints it now.

    When only random ids, digests or signatures changed in every example of
    a session, its old text is kept (no churn); when anything else changed in
    one, the whole session is written from this run, so that the roots and
    ids its examples show agree with each other.
    """
    examples = []  # (start, end, session, [(command, before, after)])
    changed = set()
    for start, end, session in blocks(lines):
        if session not in sessions:
            # Each session starts with a copy of examples/, as if run from the repository's root.
            sessions[session] = tempfile.mkdtemp(prefix="accord-readme-")
            shutil.copytree("examples", os.path.join(sessions[session], "examples"))
        directory = sessions[session]
        old = [[]]
        for line in lines[start:end]:
            if line.startswith("$ "):
                old.append([line])
            else:
                old[-1].append(line)
        runs = []
        for example in old[1:]:
            command, before = example[0], example[1:]
            text = run(command[2:], binary, directory)
            after = text.rstrip("\n").split("\n") if text.strip() else []
            if normalize("\n".join(after)) != normalize("\n".join(before)):
                changed.add(session)
            runs.append((command, before, after))
        examples.append((start, end, session, runs))
    if "--fresh" in sys.argv:
        changed = set(sessions)
    output = []
    cursor = 0
    for start, end, session, runs in examples:
        output.extend(lines[cursor:start])
        for command, before, after in runs:
            output.append(command)
            output.extend(after if session in changed else before)
        cursor = end
    output.extend(lines[cursor:])
    return "\n".join(output)


if __name__ == "__main__":
    main()
