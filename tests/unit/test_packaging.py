"""The install story: the version, the pinned requirement the exporter writes, the dependency
ranges and the SDK ends the test matrix runs, and the changelog, all kept in agreement."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path

import pytest

from flashduty_pulumi import cli
from flashduty_pulumi.export import build_program
from flashduty_pulumi.export.fetch import Snapshot
from flashduty_pulumi.export.program import ExportOptions
from flashduty_pulumi.export.requirement import Requirement, source_from_record
from flashduty_pulumi.version import package_version

REPO = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    found = re.search(r'^version = "([^"]+)"$', (REPO / "pyproject.toml").read_text(), re.M)
    assert found, "pyproject.toml has no version line"
    return found.group(1)


def test_the_installed_version_is_pyprojects_and_semver() -> None:
    assert package_version() == pyproject_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", package_version())


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"flashduty-pulumi {package_version()}\n"


def test_version_flag_of_the_console_script() -> None:
    script = Path(sys.executable).parent / "flashduty-pulumi"
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == f"flashduty-pulumi {pyproject_version()}"


def test_the_changelog_describes_this_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text()
    assert "Semantic Versioning" in text
    heading = re.search(rf"^## \[{re.escape(pyproject_version())}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M)
    assert heading, f"CHANGELOG.md has no '## [{pyproject_version()}] - YYYY-MM-DD' section"


def test_the_template_and_the_readme_name_this_version() -> None:
    version = pyproject_version()
    pins = (REPO / "templates" / "flashduty-python" / "requirements.txt").read_text().splitlines()
    assert pins[-1] == f"flashduty-pulumi=={version}"
    readme = (REPO / "README.md").read_text()
    assert f"dist/flashduty_pulumi-{version}-py3-none-any.whl" in readme
    assert re.findall(r"flashduty_pulumi-(\d+\.\d+\.\d+)-py3", readme) == [version] * 2


def test_dependency_ranges_start_at_the_versions_the_matrix_tests() -> None:
    ends = dict(re.findall(r"^([A-Z_]+)=(\S+)$", (REPO / "scripts" / "sdk-versions.sh").read_text(), re.M))
    declared = {r.split(";")[0].replace(" ", "") for r in requires("flashduty-pulumi") or []}
    for name, key in (("pulumi", "SDK_OLDEST"), ("httpx", "HTTPX_OLDEST"), ("pydantic", "PYDANTIC_OLDEST")):
        runtime = [r for r in declared if re.match(rf"{name}[<>=!~]", r)]
        assert len(runtime) == 1, declared
        assert f">={ends[key]}" in runtime[0], (runtime[0], key, ends[key])
        assert re.search(r"<\d", runtime[0]), f"{runtime[0]} has no upper bound"
    assert ends["SDK_OLDEST"] != ends["SDK_NEWEST"]


@pytest.mark.parametrize(
    ("record", "source"),
    [
        (
            '{"url": "file:///home/me/flashduty-pulumi/dist/flashduty_pulumi-0.1.0-py3-none-any.whl",'
            ' "archive_info": {}}',
            "/home/me/flashduty-pulumi/dist/flashduty_pulumi-0.1.0-py3-none-any.whl",
        ),
        (
            '{"url": "https://git.example.com/sre/flashduty-pulumi.git",'
            ' "vcs_info": {"vcs": "git", "commit_id": "1630591abc", "requested_revision": "v0.1.0"}}',
            "git+https://git.example.com/sre/flashduty-pulumi.git@1630591abc",
        ),
        ('{"url": "file:///src/my%20clone", "dir_info": {"editable": true}}', "/src/my clone"),
        (None, None),  # installed from an index: no record
        ("not json", None),
    ],
)
def test_where_the_exporters_copy_came_from(record: str | None, source: str | None) -> None:
    assert source_from_record(record) == source


def test_requirements_txt_pins_the_version_and_names_the_source() -> None:
    wheel = "/opt/dist/flashduty_pulumi-0.1.0-py3-none-any.whl"
    text = Requirement("0.1.0", wheel).requirements_txt()
    assert text.splitlines()[-1] == "flashduty-pulumi==0.1.0"
    assert f"#   pip install {wheel}\n" in text
    assert "not published on PyPI" in text
    from_index = Requirement("0.1.0", None).requirements_txt()
    assert from_index.splitlines()[-1] == "flashduty-pulumi==0.1.0"
    assert "pip install" not in from_index


def test_the_exported_readme_installs_the_pinned_copy_first() -> None:
    wheel = "/opt/my dist/flashduty_pulumi-0.1.0-py3-none-any.whl"
    options = ExportOptions(requirement=Requirement("0.1.0", wheel))
    result = build_program(Snapshot(channels=[], routes=[]), _NoDirectory(), options)  # type: ignore[arg-type]
    assert result.files["requirements.txt"].endswith("flashduty-pulumi==0.1.0\n")
    readme = result.files["README.md"]
    install = f"venv/bin/pip install '{wheel}'"
    assert install in readme
    assert readme.index(install) < readme.index("venv/bin/pip install -r requirements.txt")


class _NoDirectory:
    """An export of nothing needs no look-ups."""
