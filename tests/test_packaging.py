"""The built package is whole: the wheel carries every module and data file, and it runs alone.

CI installs the project editable (`pip install -e`), which imports from the source folder and so
cannot see a module or file that a regular `pip install .` leaves out. These tests build the
wheel as `pip install .` does, from a copy of what the build reads (so no build/ folder in the
repository can add stale files), and check its contents; the slow one installs it into a new
virtual environment and runs the commands a new user runs first.
"""

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the build reads: the project files and the two folders it packages.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "chatbot", "models/default")
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip wheel --no-deps .` builds from a clean copy of the project."""
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=NOT_SHIPPED)
        else:
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", ".", "-w", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (built,) = out.glob("chatbot-*.whl")
    return built


def shipped_files() -> set[str]:
    """Every module and data file of the package, as the wheel names them."""
    names = set()
    for path in (ROOT / "chatbot").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            names.add(path.relative_to(ROOT).as_posix())
    for path in (ROOT / "models" / "default").iterdir():
        names.add(f"chatbot/default_model/{path.name}")
    return names


def test_the_wheel_holds_every_module_and_data_file_and_nothing_else(wheel):
    with zipfile.ZipFile(wheel) as archive:
        packaged = {name for name in archive.namelist() if not name.startswith("chatbot-")}
    assert packaged == shipped_files()


def test_every_subpackage_is_in_the_wheel(wheel):
    with zipfile.ZipFile(wheel) as archive:
        packaged = set(archive.namelist())
    folders = [p for p in (ROOT / "chatbot").rglob("__init__.py")]
    assert folders, "chatbot has no __init__.py"
    for init in folders:
        assert init.relative_to(ROOT).as_posix() in packaged


def test_the_wheel_asks_for_one_tensorflow_with_any_extras(wheel):
    """`tensorflow` and `tensorflow-cpu` write the same module: whatever extras are asked for,
    pip must be told of one of them only, and the gpu extra must ask for the same release."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        metadata = archive.read(name).decode()
    wanted = [
        line.removeprefix("Requires-Dist:").strip()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and line.split()[1].lower().startswith("tensorflow")
    ]
    assert wanted == [
        "tensorflow<2.22,>=2.21",
        'tensorflow[and-cuda]<2.22,>=2.21; sys_platform == "linux" and extra == "gpu"',
    ]


def run_installed(environment: Path, cwd: Path, *arguments: str, stdin: str = ""):
    """Run the installed `chatbot ARGUMENTS...` of `environment` in `cwd`; the CompletedProcess."""
    return subprocess.run(
        [str(environment / "bin" / "chatbot"), *arguments],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")},
        timeout=300,
    )


@pytest.mark.slow  # builds a virtual environment and starts TensorFlow in three subprocesses
def test_a_regular_install_runs_generate_ask_and_chat_example(wheel, tmp_path):
    environment = tmp_path / "env"
    # The environment sees the system's packages (TensorFlow, Keras and the rest), and so the
    # editable install of chatbot too: the wheel's own copy must be the one imported.
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(environment)
    python = str(environment / "bin" / "python")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"  # outside the repository: no models/ or chatbot/ here
    elsewhere.mkdir()
    found = subprocess.run(
        [
            python,
            "-c",
            "import chatbot.network.folder as a; print(a.__file__); print(a.default_model_dir())",
        ],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    site = (environment / "lib").resolve()
    assert all(Path(line).resolve().is_relative_to(site) for line in found), found

    generated = run_installed(
        environment, elsewhere, "generate", "--out", "g", "--questions", "200"
    )
    assert generated.returncode == 0, generated.stderr
    assert (
        sorted(p.name for p in (elsewhere / "g").iterdir())[0]
        == "qa10_indefinite-knowledge_test.txt"
    )

    asked = run_installed(
        environment,
        elsewhere,
        *(
            "ask",
            "--story",
            "Mary moved to the bathroom.",
            "--question",
            "Is Mary in the bathroom?",
        ),
    )
    assert (asked.returncode, asked.stdout) == (0, "yes (100%)\n"), asked.stderr

    chatted = run_installed(environment, elsewhere, "chat", stdin=":example 6\n:quit\n")
    assert chatted.returncode == 0, chatted.stderr
    assert chatted.stdout.startswith("an example story of task qa6:\n"), chatted.stdout
    assert "questions to try:" in chatted.stdout
