"""`retake new-plugin`: write a complete, installable country-exam plugin package.

    write_plugin("fmge", "IN", Path("."))  ->  ./retake-fmge/
        pyproject.toml      hatchling; entry point `fmge = "retake_fmge"` in group retake.plugins
        README.md
        retake_fmge/        __init__.py (hooks), policy.py (exam, dated values, sources, specialties),
                            eligibility.py (date arithmetic), rules.py (rules with sources),
                            examples/fmge-exam-pass-after-fail.yaml (an example profile it ships)
        tests/              test_contract.py (the contract kit, a sample verdict, the entry point)

The generated package passes its own tests as written. Its policy numbers are placeholders marked
"unconfirmed" for the author to replace with the authority's values and sources.
"""

from __future__ import annotations

import re
from importlib import metadata, resources
from pathlib import Path
from string import Template

from core.profile import COUNTRY_ALIASES
from core.plugins import ENTRY_POINT_GROUP

PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
MAX_NAME = 40
# Names a plugin cannot take: core's own rule-id prefix and the project's import packages.
RESERVED = {"framework", "core", "plugins", "frontends", "retake", "test", "tests"}

# Template file -> path in the generated package ("package" becomes the import package's name).
FILES = (
    "pyproject.toml", "README.md",
    "package/__init__.py", "package/policy.py", "package/eligibility.py", "package/rules.py",
    "package/examples/example.yaml", "tests/test_contract.py",
)
EXAMPLE_FILE = "examples/example.yaml"  # written as examples/<exam id>-pass-after-fail.yaml


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError("the plugin needs a name, e.g. 'fmge' or 'india-fmge'")
    if len(name) > MAX_NAME:
        raise ValueError(f"plugin name {name!r} is too long: at most {MAX_NAME} characters")
    if not PLUGIN_NAME.match(name):
        raise ValueError(f"plugin name {name!r} must be lower-case letters and digits, words joined by single "
                         "dashes, starting with a letter (e.g. 'fmge' or 'india-fmge')")
    if name in RESERVED:
        raise ValueError(f"plugin name {name!r} is reserved by Retake Verdict; choose another")
    installed = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    if name in installed:
        raise ValueError(f"a plugin named {name!r} is already installed (see `retake plugins`); choose another name")
    return name


def _check_country(country: str) -> str:
    code = country.strip().upper() if isinstance(country, str) else ""
    code = COUNTRY_ALIASES.get(code, code)
    if len(code) != 2 or not code.isalpha() or not code.isascii():
        raise ValueError(f"country {country!r} must be a two-letter ISO 3166 code such as AU, IN or GB")
    return code


def _target(name: str, dest: Path) -> Path:
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise ValueError(f"{dest} is a file; --dest must be a folder to create the plugin in")
    root = dest / f"retake-{name}"
    if root.exists():
        raise ValueError(f"{root} already exists; remove it or choose another --dest")
    return root


def template_values(name: str, country: str) -> dict[str, str]:
    module = "retake_" + name.replace("-", "_")
    title = name.upper()
    return {
        "name": name,
        "module": module,
        "dist": f"retake-{name}",
        "country": country,
        "exam_id": f"{name}-exam",
        "exam_name": f"{title} exam",
        "authority": f"{title} examining authority",
        "fact_view": name.replace("-", "_") + "_record",  # how rule texts quote the `<name>.record` fact
    }


def write_plugin(name: str, country: str, dest: Path) -> Path:
    """Write the package `retake-<name>` inside the folder `dest`; return the package's folder.

    Raises ValueError, with a message for the user, for a bad or taken name, a bad country code,
    or a target folder that already exists.
    """
    name = _check_name(name)
    country = _check_country(country)
    root = _target(name, dest)
    values = template_values(name, country)
    templates = resources.files("core").joinpath("scaffold_templates")
    rendered = {}
    for relative in FILES:
        text = templates.joinpath(f"{relative}.tmpl").read_text(encoding="utf-8")
        target = relative.replace("package/", f"{values['module']}/", 1)
        target = target.replace(EXAMPLE_FILE, f"examples/{values['exam_id']}-pass-after-fail.yaml")
        rendered[target] = Template(text).substitute(values)
    root.mkdir(parents=True)
    for relative, text in rendered.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
