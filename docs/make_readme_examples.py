"""Keep the README's examples true: every example block is the output of a real run.

Two kinds of marked block in README.md:

    <!-- file: plugins/usmle/examples/usmle-step2ck-low-pass.yaml -->
    ```yaml
    (the file's text)
    ```
    <!-- /file -->

    <!-- run: retake decide --example usmle-step2ck-low-pass --as-of 2026-11-25 -->
    ```text
    (what the command printed, at 100 columns, without colour)
    ```
    <!-- /run -->

`python docs/make_readme_examples.py` rewrites every block from the file or the command (the
installed `retake` next to this Python); `--check` changes nothing and exits 1, naming each block
that differs, so a test can catch a README that no longer matches the program.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"<!-- (file|run): (.+?) -->\n```(\w*)\n(.*?)```\n<!-- /\1 -->", re.S)
WIDTH = "100"


def run(command: str) -> str:
    """The command's stdout (and stderr, as a user sees both), lines right-stripped."""
    words = shlex.split(command)
    if words[0] == "retake":
        words[0] = str(Path(sys.executable).with_name("retake"))
    env = {**os.environ, "COLUMNS": WIDTH, "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("RETAKE_PLUGINS", None)  # every installed plugin, as for a user
    done = subprocess.run(words, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    text = done.stdout + done.stderr
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines()) + "\n"


def fresh(kind: str, what: str) -> str:
    if kind == "file":
        return (ROOT / what).read_text()
    return run(what)


def render(text: str) -> tuple[str, list[str]]:
    """The README with every block made anew, and the blocks that changed."""
    changed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        kind, what, language, body = match.groups()
        new = fresh(kind, what)
        if new != body:
            changed.append(f"{kind}: {what}")
        return f"<!-- {kind}: {what} -->\n```{language}\n{new}```\n<!-- /{kind} -->"

    return BLOCK.sub(replace, text), changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a block differs")
    args = parser.parse_args()
    text = README.read_text()
    new, changed = render(text)
    if args.check:
        for name in changed:
            print(f"README block out of date: {name}", file=sys.stderr)
        return 1 if changed else 0
    README.write_text(new)
    print(f"{len(changed)} README block(s) rewritten" + (": " + "; ".join(changed) if changed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
