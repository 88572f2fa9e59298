"""The documentation made from the code is current, and nothing a user reads points outside
the project."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def make_docs():
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", ["docs/COMMANDS.md", "docs/QUESTION_FORMS.md"])
def test_the_generated_pages_are_current(page):
    made = make_docs().PAGES[page]()
    assert (ROOT / page).read_text(encoding="utf-8") == made, (
        f"{page} is stale: run python scripts/make_docs.py"
    )


def test_every_question_form_has_its_tasks_and_yes_when():
    from chatbot.stories import yesno

    assert [name for name, _ in yesno._FORMS] == list(yesno.CONTRACT)


def test_a_form_reads_as_people_write_it():
    template = make_docs().template
    assert template(r"Is (?P<who>[A-Z][a-z]+) (?P<negated>not )?in the (?P<place>[a-z]+)") == (
        "Is X [not ]in the P?"
    )
    assert template(r"by going (?P<first>north|south) (?:he was|they were)") == (
        "by going D1 he was / they were?"
    )


def user_facing_files():
    yield ROOT / "README.md"
    yield from (p for p in (ROOT / "docs").glob("*.md") if p.name != "BENCHMARKS.md")
    yield from (p for p in (ROOT / "chatbot").rglob("*") if p.suffix in (".py", ".html", ".js"))


def test_nothing_a_user_reads_points_outside_the_project():
    outside = re.compile(r"\.\./shared|YESNO_FORMS|MODEL_ANCHORS|STYLE\.md")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in user_facing_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line)
    ]
    assert found == []


def test_the_readme_links_only_to_files_that_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if not target.startswith("http"):
            assert (ROOT / target).exists(), target
