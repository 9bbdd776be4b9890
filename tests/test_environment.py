"""The project's set-up promises: one environment described three ways, two README commands, CI
running the README's test command."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from .conftest import ROOT


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    pins = {}
    for text in reqs:
        req = Requirement(text)
        spec = list(req.specifier)
        assert len(spec) == 1 and spec[0].operator == "==", f"{text}: pin application dependencies exactly"
        pins[req.name.lower()] = spec[0].version
    return pins


def _conda_pins() -> tuple[dict[str, str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins, pip_lines = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_lines += dep.get("pip", [])
            continue
        name, _, version = dep.partition("=")
        pins[name.lower()] = version
    return pins, pip_lines


def test_environment_yml_pins_the_same_versions_as_pyproject():
    pyproject = _pyproject_pins()
    conda, _ = _conda_pins()
    conda_packages = {k: v for k, v in conda.items() if k not in ("python", "pip")}
    assert conda_packages == pyproject


def test_environment_yml_python_matches_requires_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    conda, _ = _conda_pins()
    from packaging.specifiers import SpecifierSet

    assert conda["python"] + ".0" in SpecifierSet(project["requires-python"])


def test_environment_yml_installs_the_package_with_the_same_extras():
    _, pip_lines = _conda_pins()
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert pip_lines == [f"-e .[{','.join(sorted(extras))}]"]


def test_lock_pins_every_direct_dependency_at_the_same_version():
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            lock[name.lower().replace("_", "-")] = version
    for name, version in _pyproject_pins().items():
        assert lock.get(name.replace("_", "-")) == version, name


def _readme_setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    first_screen = readme.split("\n## ", 2)
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", "\n## ".join(first_screen[:2]), re.S)
    assert block, "README's first screen has a code block with the set-up commands"
    lines = [ln.split(" #")[0].strip() for ln in block.group(1).splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def test_readme_first_screen_has_exactly_two_setup_commands():
    commands = _readme_setup_commands()
    assert len(commands) == 2, commands
    assert any("reports" in c for c in commands) and any("test" in c for c in commands)


def test_ci_runs_the_readme_test_command():
    test_command = next(c for c in _readme_setup_commands() if "test" in c)
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in [ln.strip() for ln in ci.splitlines()]


def _make_targets() -> dict[str, list[str]]:
    """The Makefile's targets and their recipe lines (variables left as written)."""
    targets, current = {}, None
    for line in (ROOT / "Makefile").read_text().splitlines():
        m = re.match(r"^([A-Za-z][\w-]*):", line)
        if m:
            current = targets.setdefault(m.group(1), [])
        elif line.startswith("\t") and current is not None:
            current.append(line.strip())
    return targets


def test_each_readme_command_is_a_make_target():
    targets = _make_targets()
    for command in _readme_setup_commands():
        words = command.split()
        assert words[0] == "make" and words[1] in targets, command


def test_make_installs_every_extra():
    # `make test` builds the docs and runs the browser tests: the environment it makes must have every extra
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    install = " ".join(line for line in (ROOT / "Makefile").read_text().splitlines() if "pip install" in line)
    m = re.search(r"-e '\.\[([\w,-]+)\]'", install)
    assert m and sorted(m.group(1).split(",")) == sorted(extras), install


def test_make_test_builds_the_docs_with_warnings_as_errors():
    recipe = _make_targets()["test"]
    assert any(line.startswith("$(BIN)/sphinx-build") and "--fail-on-warning" in line for line in recipe), recipe


def test_hosted_ci_runs_the_ci_script_on_each_supported_python():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    job = workflow["jobs"]["test"]
    versions = job["strategy"]["matrix"]["python"]
    from packaging.specifiers import SpecifierSet

    requires = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    assert set(versions) == {"3.11", "3.12"} and all(f"{v}.0" in requires for v in versions)
    runs = [step.get("run", "") for step in job["steps"]]
    assert any("apt-get install" in r and "chromium" in r for r in runs), "the browser tests need Chromium"
    assert "bash .ci/run" in [r.strip() for r in runs]
