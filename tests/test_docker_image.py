"""The production image carries everything: the Dockerfile copies the whole tree, and the build
context that `.dockerignore` leaves holds every app, the compiled Lao catalogue, templates,
static files and fonts, and nothing secret or local. The context is computed here with Docker's
own matching rules; the image itself is built only where a Docker engine answers."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FONTS = ("static/fonts/NotoSansLao-Regular.ttf", "static/fonts/NotoSansLao-Bold.ttf")
CATALOGUE = "locale/lo/LC_MESSAGES/django.mo"
NEVER = (".env", ".git", ".venv", "var", "staticfiles")


# --- .dockerignore, as Docker reads it (moby/patternmatcher) -------------------------------------
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's glob: `*` and `?` stay inside one path element, `**` crosses any number of them,
    `[...]` is a class, `\\` escapes; the whole (cleaned, relative) path must match."""
    out, i = "", 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):  # `**/` also matches no directory at all
                out, i = out + "(?:.*/)?", i + 1
            else:
                out += ".*"
            continue
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end]
            out += "[" + ("^" + body[1:] if body.startswith("^") else body).replace("\\", "\\\\") + "]"
            i = end
        elif char == "\\" and i + 1 < len(pattern):
            out, i = out + re.escape(pattern[i + 1]), i + 1
        else:
            out += re.escape(char)
        i += 1
    return re.compile(out + r"\Z")


def dockerignore_rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    """(excludes, regex) per line: blank lines and `#` comments skipped, `!` re-includes, the
    pattern cleaned like a path (`./a//b/` is `a/b`, a leading `/` is the context root)."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        excludes = not line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip()).lstrip("/")
        rules.append((excludes, _pattern_regex(pattern)))
    return rules


def excluded(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """The last rule that matches the path or one of its parent directories decides."""
    parts = path.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for excludes, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            verdict = excludes
    return verdict


def build_context(root: Path) -> set[str]:
    """Relative paths of the files `docker build root` sends (directories pruned when excluded
    and no `!` rule could bring something under them back)."""
    rules = dockerignore_rules((root / ".dockerignore").read_text())
    can_reinclude = any(not excludes for excludes, _ in rules)
    files = set()
    for folder, dirs, names in os.walk(root):
        base = Path(folder).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        if not can_reinclude:
            dirs[:] = [d for d in dirs if not excluded(prefix + d, rules)]
        files.update(prefix + name for name in names if not excluded(prefix + name, rules))
    return files


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("tests", "tests/conftest.py", True),  # a directory takes its contents with it
        ("tests", "casework/tests/x.py", False),  # patterns start at the context root
        ("**/__pycache__", "casework/api/__pycache__/views.cpython-311.pyc", True),
        ("**/__pycache__", "__pycache__/x.pyc", True),
        ("*.pyc", "casework/x.pyc", False),  # `*` stays in the top level
        ("*/*.pyc", "casework/x.pyc", True),
        ("/var", "var/pgdata/PG_VERSION", True),
        ("./docs/", "docs/api.md", True),
        ("d?cs", "docs/api.md", True),
        ("[a-c]*", "bench/x.py", True),
        ("[^a-c]*", "bench/x.py", False),
        (".env.*", ".env.production", True),
        (".env.*", ".envrc", False),
    ],
)
def test_dockerignore_patterns_match_as_docker_matches_them(pattern, path, expected):
    assert excluded(path, dockerignore_rules(pattern)) is expected


def test_the_last_matching_rule_wins_and_exclamation_brings_a_file_back():
    rules = dockerignore_rules("docs\n!docs/api.md\n# a comment\n\n")
    assert excluded("docs/roles.md", rules)
    assert not excluded("docs/api.md", rules)
    assert excluded("docs/api.md", dockerignore_rules("!docs/api.md\ndocs"))


# --- The context of this repository ---------------------------------------------------------------
@pytest.fixture(scope="module")
def context():
    return build_context(ROOT)


def tracked(under: str) -> list[str]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    listed = subprocess.run([git, "ls-files", "-z", under], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


def app_packages() -> list[str]:
    """Every top-level Python package of the project (config, the apps, seeds, and any folder
    added later), tests excepted: the image runs the product, not its test suite."""
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests"} and not path.parent.name.startswith(".")
    )


def test_the_dockerfile_copies_the_whole_tree_not_folder_by_folder():
    copies = [line.split() for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("COPY")]
    assert copies == [["COPY", ".", "./"]]


def test_every_app_package_is_in_the_build_context(context):
    packages = app_packages()
    assert {"config", "accounts", "casework", "shelters", "referrals", "seeds"} <= set(packages)
    for package in packages:
        missing = [name for name in tracked(package) if name not in context and "__pycache__" not in name]
        assert missing == [], package


def test_the_compiled_lao_catalogue_templates_static_files_and_fonts_are_in_it(context):
    assert CATALOGUE in context and "locale/lo/LC_MESSAGES/django.po" in context
    assert set(FONTS) <= context
    for folder in ("templates", "static", "locale"):
        assert sorted(set(tracked(folder)) - context) == [], folder
    for needed in ("manage.py", "pyproject.toml", "README.md"):  # pip install reads the readme
        assert needed in context


def test_nothing_secret_local_or_for_development_only_is_in_it(context):
    for folder in NEVER:
        assert not [name for name in context if name == folder or name.startswith(folder + "/")], folder
    assert not [name for name in context if "__pycache__" in name or name.endswith(".pyc")]
    assert not [name for name in context if name.startswith("tests/")]


def dockerfile_build_step() -> tuple[dict[str, str], list[str]]:
    """The environment (ENV lines, then the assignments in front of the command) and the
    command of the Dockerfile's collectstatic step."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    command: list[str] = []
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(word.split("=", 1) for word in shlex.split(line[4:]))
        elif line.startswith("RUN ") and "collectstatic" in line:
            words = shlex.split(line.split("&&")[-1])
            while "=" in words[0]:
                key, value = words.pop(0).split("=", 1)
                env[key] = value
            command = words
    return env, command


@pytest.mark.slow  # copies the context and runs collectstatic in a process of its own
def test_the_project_in_the_build_context_builds_and_speaks_lao(context, tmp_path):
    """Without a Docker engine, the next best thing: copy the context alone to a folder, run the
    Dockerfile's collectstatic step there with its environment (production settings), and look
    up a Lao message from that copy."""
    for name in context:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    build_env, command = dockerfile_build_step()
    assert command[:2] == ["python", "manage.py"] and "collectstatic" in command
    env = {**os.environ, **build_env, "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run([sys.executable, *command[1:]], cwd=tmp_path, env=env, check=True)
    collected = tmp_path / "staticfiles"
    assert (collected / "fonts" / "NotoSansLao-Regular.ttf").is_file()
    # Compressed for serving, but not the source maps (settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS).
    assert (collected / "pathway.css.br").is_file() and (collected / "pathway.css.gz").is_file()
    assert list(collected.rglob("*.map")) and not list(collected.rglob("*.map.br")) + list(collected.rglob("*.map.gz"))
    lookup = (
        "import django; django.setup(); from django.utils import translation; "
        "translation.activate('lo'); from django.conf import settings; "
        "print(settings.LOCALE_PATHS[0]); print(translation.gettext('Not found.'))"
    )
    locale, lao = subprocess.run(
        [sys.executable, "-c", lookup], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")[:2]
    assert Path(locale) == tmp_path / "locale"  # the copy's catalogue, not the checkout's
    assert lao == "ບໍ່ພົບຂໍ້ມູນ."


def docker_engine() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    answered = subprocess.run([docker, "info"], capture_output=True, timeout=30)
    return docker if answered.returncode == 0 else None


@pytest.mark.docker
def test_the_image_builds_and_carries_the_lao_catalogue():
    docker = docker_engine()
    if docker is None:
        pytest.skip("no Docker engine answers `docker info` on this machine (a client alone cannot build)")
    tag = "pathway:test-image"
    subprocess.run([docker, "build", "--tag", tag, str(ROOT)], check=True, timeout=1800)
    listed = subprocess.run(
        [docker, "run", "--rm", tag, "sh", "-c", f"ls {CATALOGUE} {' '.join(FONTS)} && ls -d */"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for expected in (CATALOGUE, *FONTS, *(package + "/" for package in app_packages())):
        assert expected in listed
    assert "tests/" not in listed
