"""Tests for `chatbot evaluate`: the printed report, the files it writes, every bad input."""

import json

import pytest
from cli_runner import run
from evaluation_data import ALWAYS_YES, JSON_KEYS, THIRD, build_always_yes_model, write_data


@pytest.fixture(scope="module")
def model_dir(tiny_bundle, tmp_path_factory):
    folder = tmp_path_factory.mktemp("models") / "always-yes"
    build_always_yes_model(tiny_bundle, folder)
    return folder


@pytest.fixture
def data_dir(tmp_path):
    write_data(tmp_path)
    return tmp_path


def test_cli_prints_the_report_and_writes_json_and_png(capsys, model_dir, data_dir, tmp_path):
    json_path, png_path = tmp_path / "out" / "report.json", tmp_path / "out" / "report.png"
    json_path.parent.mkdir()
    code, out, err = run(
        capsys, "evaluate", "--model", str(model_dir), str(data_dir), "--mistakes", "2",
        "--json", str(json_path), "--plot", str(png_path),
    )  # fmt: skip
    assert code == 0, err
    first, second, third = (
        data_dir / name
        for name in ("qa6_first_test.txt", "qa10_second_test.txt", "qa6_third_test.txt")
    )
    assert out.splitlines() == [
        'Accuracy: 42.9% (3 of 7 questions); majority baseline 57.1% (always "yes")',
        "Support accuracy: 57.1% (the most-attended sentence is a supporting one, of 7 questions)",
        "Questions with unknown words: 1",
        "Stories longer than the memory: 1",
        "Answers outside the answer set: 1",
        # six answered, all "yes" at ALWAYS_YES, three right
        f"Calibration error: {100 * (ALWAYS_YES - 0.5):.1f}% (over answered questions);"
        " confident mistakes (wrong at 95% or more): 3; refused: 1",
        # the partners "Is X not in the P?" are answered "no": their positive form turned around
        "Consistency: 83.3% of 6 partner pairs agree (not 83.3% of 6); refused: 1",
        "",
        "Per file:",
        f"   66.7% of       3  {first}",
        f"  100.0% of       1  {third}",
        f"    0.0% of       3  {second}",
        "Per task:",
        "   75.0% of       4  qa6",
        "    0.0% of       3  qa10",
        "",
        "Confusion (rows: expected, columns: got):",
        "          yes  no  maybe  office  (no answer)",
        "  yes       3   0      0       0            1",
        "  no        1   0      0       0            0",
        "  maybe     1   0      0       0            0",
        "  office    1   0      0       0            0",
        "",
        "Mistakes (2 of 4, most confident first):",
        "  (attention on each sentence; * a supporting sentence; - out of memory)",
        f"1. Is John in the kitchen?  expected no, got yes ({100 * ALWAYS_YES:.1f}%)",
        f"     [{first}]",
        "    1  0.33   Mary moved to the bathroom.",
        "    2  0.33 * John went to the hallway.",
        "    3  0.33   Mary went back to the kitchen.",
        f"2. Is Sandra in the office?  expected maybe, got yes ({100 * ALWAYS_YES:.1f}%)",
        f"     [{second}]",
        "    1  1.00 * Sandra is either in the park or the office.",
    ]
    report = json.loads(json_path.read_text())
    assert JSON_KEYS <= set(report)
    assert report["accuracy"] == pytest.approx(3 / 7) and report["questions"] == 7
    # Issue 12's honesty figures: present and in range (0-1; counts of the 7 questions).
    assert 0 <= report["calibration_error"] <= 1
    assert report["calibration_error"] == pytest.approx(ALWAYS_YES - 0.5, abs=1e-4)
    assert (report["confident_mistakes"], report["refused"]) == (3, 1)
    assert [m["question"] for m in report["mistakes"]] == [
        "Is John in the kitchen?",
        "Is Sandra in the office?",
    ]
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in json_path.parent.iterdir()) == ["report.json", "report.png"]


@pytest.mark.parametrize(
    ("files", "arguments", "message"),
    [
        ({}, ["missing.txt"], "missing.txt: no such file or folder"),
        ({"qa6_x_train.txt": THIRD}, ["."], "holds no files matching *_test.txt"),
        ({"qa6_x_test.txt": ""}, ["qa6_x_test.txt"], "qa6_x_test.txt"),  # empty file
        ({"qa6_x_test.txt": "1 Mary moved.\n"}, ["qa6_x_test.txt"], "no questions to evaluate"),
        ({"qa6_x_test.txt": "Mary moved.\n"}, ["qa6_x_test.txt"], "qa6_x_test.txt"),  # no ids
    ],
)
def test_cli_bad_data_is_a_one_line_error(capsys, tmp_path, monkeypatch, files, arguments, message):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "evaluate", "--model", "no-model-needed", *arguments)
    assert code == 1
    assert out == ""
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


def test_cli_missing_model_is_a_one_line_error(capsys, data_dir, tmp_path):
    code, out, err = run(capsys, "evaluate", "--model", str(tmp_path / "nope"), str(data_dir))
    assert (code, out) == (1, "")
    assert err.startswith("Error: model folder ") and err.count("\n") == 1


@pytest.mark.parametrize(
    "arguments",
    [[], ["--mistakes", "-1", "x_test.txt"], ["--mistakes", "many", "x_test.txt"]],
)
def test_cli_usage_errors_exit_2(capsys, arguments):
    code, out, err = run(capsys, "evaluate", *arguments)
    assert (code, out) == (2, "")
    assert "Error" in err


def test_cli_unwritable_json_is_a_one_line_error(capsys, model_dir, data_dir, tmp_path):
    target = tmp_path / "no-folder" / "report.json"
    code, out, err = run(
        capsys, "evaluate", "--model", str(model_dir), str(data_dir), "--json", str(target)
    )
    assert code == 1
    assert out.startswith("Accuracy: ")  # the report is printed before the file fails
    assert err == f"Error: cannot write {target}: No such file or directory\n"
