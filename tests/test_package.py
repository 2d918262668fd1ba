"""kltools as a package: its metadata, the built wheel, and a clean install.

`python -m build` makes the sdist and the wheel; they must build without a
deprecation warning and pass `twine check --strict`. The wheel is then
installed, without its dependencies, in a new virtual environment whose only
other packages are this environment's (numpy, scipy, anywidget, ...), read
through a path file: the package README's examples, which are PyPI's long
description, and an explorable's quantities must run from that
environment's site-packages, not from this source tree. Set
KL_PACKAGE_ONLINE=1 to also install the wheel with its `notebooks` extra
from the package index into an empty environment.
"""

from __future__ import annotations

import email
import json
import math
import os
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import tomllib

import kltools

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )


def test_metadata_has_one_version_and_spdx_licence():
    project = PYPROJECT["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    attr = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "kltools.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+", kltools.__version__)
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert not any(c.startswith("License ::") for c in project["classifiers"])
    assert project["readme"] == "kltools/README.md"
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(project["urls"])


def test_notebooks_extra_covers_every_chapter_import():
    """Every module a chapter imports is kltools, the standard library, or a
    requirement of kltools or of its `notebooks` extra."""
    project = PYPROJECT["project"]
    requirements = (
        project["dependencies"] + project["optional-dependencies"]["notebooks"]
    )
    names = {re.match(r"[\w-]+", r).group(0).lower() for r in requirements}
    dist = {"sklearn": "scikit-learn", "mpl_toolkits": "matplotlib"}
    modules = set()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                modules |= set(re.findall(r"^\s*(?:from|import)\s+(\w+)", src, re.M))
    # kltools' own lazy imports of optional packages
    for path in (ROOT / "kltools").rglob("*.py"):
        modules |= set(
            re.findall(
                r"^\s+(?:from|import)\s+(sklearn|matplotlib)\b",
                path.read_text(encoding="utf-8"),
                re.M,
            )
        )
    third_party = {m for m in modules if m not in sys.stdlib_module_names}
    third_party -= {"kltools"}
    missing = {m for m in third_party if dist.get(m, m).lower() not in names}
    assert not missing, f"imported by the chapters but not required: {missing}"
    assert "scikit-learn" in names
    widgets = next(r for r in requirements if r.startswith("ipywidgets"))
    assert widgets == "ipywidgets>=7.6", "as old as anywidget allows, for Colab"


def test_explore_without_anywidget_says_what_to_install():
    code = "import sys; sys.modules['anywidget'] = None; from kltools import explore"
    out = run(sys.executable, "-c", code)
    assert out.returncode == 1
    assert "ImportError: kltools.explore needs the notebook extras" in out.stderr
    assert "pip install 'kltools[notebooks]'" in out.stderr
    # the rest of kltools does not need them
    code = (
        "import sys; sys.modules['anywidget'] = None; import kltools;"
        " print(kltools.entropy([0.5, 0.5]))"
    )
    assert run(sys.executable, "-c", code).stdout.strip() == "1.0"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist and wheel, built as a release would be."""
    out = tmp_path_factory.mktemp("dist")
    built = run(sys.executable, "-m", "build", "--outdir", out, ROOT)
    log = built.stdout + built.stderr
    assert built.returncode == 0, log[-3000:]
    assert not re.search(r"deprecat", log, re.IGNORECASE), [
        line for line in log.splitlines() if re.search("deprecat", line, re.I)
    ]
    return out


def wheel(dist: Path) -> Path:
    (path,) = dist.glob("kltools-*.whl")
    return path


def test_twine_check_passes(dist):
    out = run(
        sys.executable, "-m", "twine", "check", "--strict", *sorted(dist.iterdir())
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("PASSED") == 2


def test_wheel_holds_the_package_and_only_the_code_licence(dist):
    with zipfile.ZipFile(wheel(dist)) as z:
        names = set(z.namelist())
        info = f"kltools-{kltools.__version__}.dist-info"
        meta = email.message_from_string(z.read(f"{info}/METADATA").decode())
    assert {
        "kltools/py.typed",
        "kltools/static/core.js",
        "kltools/static/klmath.js",
    } <= names
    assert any(n.startswith("kltools/static/kinds/") for n in names)
    assert f"{info}/licenses/LICENSE" in names
    assert not [n for n in names if "LICENSE-TEXT" in n], "the CC BY text licence"
    assert "kltools/README.md" not in names
    assert meta["Version"] == kltools.__version__
    assert meta["License-Expression"] == "MIT"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Description-Content-Type"] == "text/markdown"
    readme = (ROOT / "kltools" / "README.md").read_text(encoding="utf-8")
    assert meta.get_payload().strip() == readme.strip()
    assert 'scikit-learn>=1.3; extra == "notebooks"' in meta.get_all("Requires-Dist")
    assert any(
        u.startswith("Source, https://github.com/") for u in meta.get_all("Project-URL")
    )


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A new environment with the wheel installed; dependencies borrowed."""
    env = tmp_path_factory.mktemp("venv") / "env"
    made = run(sys.executable, "-m", "venv", "--without-pip", env)
    assert made.returncode == 0, made.stderr
    python = env / "bin" / "python"
    # this environment's pip installs into the new one (pip --python)
    # (without PYTHONPATH, through which pip could find a source tree's
    # kltools.egg-info and decide the package is already installed)
    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    installed = run(
        sys.executable, "-m", "pip", "--python", python, "install", "-q",
        "--no-deps", "--no-index", wheel(dist), env=clean_env,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # then this environment's packages, after the new one's own; the path
    # file adds the folder only, so the editable kltools of this tree (a
    # path file there) stays out
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    ours = sysconfig.get_path("purelib")
    Path(site.stdout.strip(), "zz_borrowed.pth").write_text(ours + "\n")
    return python


def test_readme_examples_run_from_site_packages(venv, dist, tmp_path):
    with zipfile.ZipFile(wheel(dist)) as z:
        info = f"kltools-{kltools.__version__}.dist-info"
        long_description = email.message_from_string(
            z.read(f"{info}/METADATA").decode()
        ).get_payload()
    readme = tmp_path / "README.md"
    readme.write_text(long_description, encoding="utf-8")
    out = run(venv, "-I", "-m", "doctest", "-v", readme, cwd=tmp_path)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr
    assert re.search(r"(\d+) passed and 0 failed", out.stdout).group(1) != "0"
    where = run(
        venv, "-I", "-c", "import kltools; print(kltools.__file__)", cwd=tmp_path
    )
    prefix = venv.parent.parent
    assert where.stdout.strip().startswith(str(prefix)), where.stdout
    assert "site-packages" in where.stdout


def test_explorable_quantities_from_site_packages(venv, tmp_path):
    code = """
import json, math
import kltools as kt
from kltools import explore
w = explore.gaussians(mu_p=0.0, sigma_p=1.0, mu_q=1.0, sigma_q=2.0)
print(json.dumps({"q": w.quantities(), "static": str(explore.STATIC),
                  "esm": len(w._esm), "file": kt.__file__}))
"""
    out = run(venv, "-I", "-c", code, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    prefix = str(venv.parent.parent)
    assert got["file"].startswith(prefix) and got["static"].startswith(prefix)
    assert got["esm"] > 1000, "the widget's JavaScript, read from site-packages"
    assert got["q"]["kl_pq"] == pytest.approx(kltools.gaussian_kl(0.0, 1.0, 1.0, 2.0))
    assert got["q"]["kl_qp"] == pytest.approx(kltools.gaussian_kl(1.0, 2.0, 0.0, 1.0))
    # the closed form, in bits: ln 2 + (1 + 1)/8 - 1/2 nats
    assert got["q"]["kl_pq"] == pytest.approx((math.log(2) - 0.25) / math.log(2))


@pytest.mark.skipif(
    os.environ.get("KL_PACKAGE_ONLINE") != "1", reason="set KL_PACKAGE_ONLINE=1"
)
def test_wheel_installs_with_its_extras_from_the_index(dist, tmp_path):
    env = tmp_path / "env"
    assert run(sys.executable, "-m", "venv", env).returncode == 0
    python = env / "bin" / "python"
    spec = f"kltools[notebooks] @ {wheel(dist).as_uri()}"
    out = run(python, "-m", "pip", "install", "-q", spec)
    assert out.returncode == 0, out.stdout + out.stderr
    code = "from kltools import explore, data; print(explore.gaussians().quantities())"
    assert run(python, "-I", "-c", code, cwd=tmp_path).returncode == 0
