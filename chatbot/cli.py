"""The `chatbot` command line: click commands wired to library functions, and error translation.

Library code raises `ChatbotError`s; here they become one line on stderr and an exit code:
0 done, 1 error, 2 usage error, 3 could not answer. TensorFlow is imported only inside the
commands that need it, so `chatbot --help` answers at once.
"""

import os
import sys
import traceback

import click

from chatbot import __version__
from chatbot.cli_options import train_options
from chatbot.config import TrainConfig
from chatbot.errors import CannotAnswer, ChatbotError, UsageError, for_command_line
from chatbot.untrusted import printable

EXIT_ERROR, EXIT_USAGE, EXIT_CANNOT_ANSWER = 1, 2, 3
DEBUG_VARIABLE = "CHATBOT_DEBUG"  # set (to anything but "" or "0") to see internal tracebacks
MAX_MISTAKES = 10_000  # evaluate --mistakes


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chatbot")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def cli(debug):
    """Read a short story and answer yes/no questions about it."""
    if debug:
        os.environ[DEBUG_VARIABLE] = "1"


def say(line: str) -> None:
    """Print a library notice line (training's progress notes) in the command line's terms."""
    echo(for_command_line(line))


def echo(text: str, err: bool = False) -> None:
    """Print lines that may hold text from a file or a person, control characters escaped."""
    click.echo(printable(text, newlines=True), err=err)


def main(argv=None):
    """Run the CLI, turning library errors into one-line messages and exit codes.

    Args:
        argv: the arguments; None means this process's own (run as the `chatbot` program),
            where native libraries' log lines are also kept off stderr (see `native_log`).
    """
    if argv is not None:
        _run_reporting_bugs(argv)
        return
    from chatbot.frontends.native_log import filter_native_log

    with filter_native_log():
        _run_reporting_bugs(argv)


def _run_reporting_bugs(argv):
    """`_run`, with any other exception (a bug) as one line and exit 1: never a traceback,
    unless `chatbot --debug` or $CHATBOT_DEBUG asks for it."""
    try:
        _run(argv)
    except Exception as error:  # a bug, not the user's doing
        if os.environ.get(DEBUG_VARIABLE, "0") not in ("", "0"):
            traceback.print_exc()
        detail = str(error).strip().splitlines()[:1] or [""]
        click.echo(
            f"Error: internal error: {type(error).__name__}: {printable(detail[0][:200])}; "
            "please report it",
            err=True,
        )
        sys.exit(EXIT_ERROR)


def _run(argv):
    try:
        cli.main(args=argv, prog_name="chatbot", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as error:  # click's own usage errors: exit 2
        error.show()
        sys.exit(error.exit_code)
    except CannotAnswer as error:
        click.echo(f"cannot answer: {printable(str(error))}", err=True)
        sys.exit(EXIT_CANNOT_ANSWER)
    except UsageError as error:
        click.echo(f"Error: {printable(for_command_line(error))}", err=True)
        sys.exit(EXIT_USAGE)
    except ChatbotError as error:
        click.echo(f"Error: {printable(for_command_line(error))}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_ERROR)


# Commands are added below, one block each, in the order a user meets them:
# inspect, generate, convert, train, info, evaluate, ask, chat.


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per file).")
def inspect(files, as_json):
    """Count the stories, questions, answers and words of bAbI FILES.

    Question lines are not counted as story sentences. With --json, one file gives one object;
    several give an object keyed by each path as given.
    """
    import json

    from chatbot.stories import babi, summary

    summaries = {path: summary.summarize(babi.read_stories(path)) for path in files}
    if as_json:
        data = summaries[files[0]] if len(files) == 1 else summaries
        echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        echo(
            "\n\n".join(
                f"{path}\n{summary.format_summary(counts)}" for path, counts in summaries.items()
            )
        )


@cli.command()
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Folder to write into.")
@click.option(
    "--questions",
    type=int,
    default=10_000,
    show_default=True,
    help="Questions per task in the train file; valid and test get a tenth each.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--tasks",
    default="6,9,10,17,18",
    show_default=True,
    help="bAbI tasks (1-20) as yes/no questions, and mix for mixed stories.",
)
@click.option(
    "--wordings",
    type=click.Choice(["babi", "everyday"]),
    default="babi",
    show_default=True,
    help="bAbI's own sentences, or the same stories told as people say them.",
)
@click.option("--overwrite", is_flag=True, help="Replace the generated set DIR holds.")
def generate(out_dir, questions, seed, tasks, wordings, overwrite):
    """Write generated bAbI-format stories: train, valid and test files per task into DIR.

    Files are named like bAbI's, the split last (qa6_yes-no-questions_train.txt); the mixed
    stories (`--tasks mix`) go to mix_stories_train.txt and so on. The same seed gives the same
    files. Prints each path written. A DIR that already holds a generated set is replaced whole
    with --overwrite, never two sets mixed (other plain files in it are carried over).
    """
    from chatbot.stories import world
    from chatbot.stories.world.tasks import parse_tasks

    tasks = parse_tasks(tasks)
    for path in world.generate_files(
        out_dir, questions, seed, tasks, overwrite=overwrite, wordings=wordings
    ):
        echo(str(path))


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, metavar="DIR", help="Folder to write into.")
@click.option("--seed", type=int, default=0, show_default=True, help='Seed for the "no" forms.')
def convert(files, out_dir, seed):
    """Write real bAbI FILES as yes/no questions into DIR, under the same names.

    Each question becomes its yes form and one "no" form of docs/QUESTION_FORMS.md; tasks 6,
    9, 10, 17 and 18 keep theirs. Story lines stay as they are, ids are renumbered. A folder
    means its .txt files. The same seed gives the same files. Prints each path written.
    """
    from chatbot.stories.convert import convert_files

    for path in convert_files(files, out_dir, seed):
        echo(str(path))


@cli.command()
@train_options
def train(
    data, out_dir, epochs, batch_size, seed, valid_file, validation_split, questions, steps,
    wordings, distribute, devices, learning_rate, start_from, resume, overwrite,
):  # fmt: skip
    """Train a model on DATA and write the model folder DIR.

    DATA are bAbI files, folders (meaning their *_train.txt files), or `generated` for the
    built-in stories of all twenty tasks and the mixed stories (the harder tasks get more
    questions). Validation is --valid FILE or else a share of the stories, held out by story.
    Checkpoints go to DIR.partial; DIR appears only when the run is complete. Interrupted? Run
    the same command with --resume. --distribute trains on several devices or machines
    (docs/SCALING.md).
    """
    import dataclasses
    import warnings

    from chatbot.training.train import train as train_model

    given = dict(
        epochs=epochs, batch_size=batch_size, seed=seed, wordings=wordings,
        generated_questions=questions, learning_rate=learning_rate, start_from=start_from,
    )  # fmt: skip
    settings = dataclasses.replace(
        TrainConfig(), **{name: value for name, value in given.items() if value is not None}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras' UserWarnings are for developers, not users
        train_model(
            data,
            out_dir,
            settings,
            valid=valid_file,
            validation_split=validation_split,
            resume=resume,
            overwrite=overwrite,
            model_options={} if steps is None else {"steps": steps},
            distribute=distribute,
            devices=devices,
            report=say,
            verbose=1 if sys.stdout.isatty() else 2,  # no redrawn, coloured bars in a file
        )


@cli.command()
@click.option("--model", "model_dir", metavar="DIR", help="Model folder [default: shipped model].")
@click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")
@click.option("--words", is_flag=True, help="List the words it knows, by role, instead.")
def info(model_dir, as_json, words):
    """Print a model folder's metadata: versions, date, data, validation accuracy, epochs, sizes,
    and the question forms it knows (an example of each). With --words: the words it knows by
    role (the verbs of each action, kinds, colours, the other words); names, places and objects
    it never saw are read where they stand.
    """
    import json

    from chatbot.network.folder import describe_model, describe_words, format_metadata

    if as_json:
        described = describe_words(model_dir) if words else describe_model(model_dir)
        echo(json.dumps(described, indent=2, ensure_ascii=False))
    else:
        echo(format_metadata(model_dir, words=words))


@cli.command()
@click.argument("data", nargs=-1, required=True)
@click.option("--model", "model_dir", metavar="DIR", help="Model folder [default: shipped model].")
@click.option("--json", "json_path", metavar="FILE", help="Also write the report as JSON.")
@click.option("--plot", "plot_path", metavar="FILE.png", help="Draw confusion and attention.")
@click.option(
    "--mistakes",
    type=click.IntRange(min=0, max=MAX_MISTAKES),
    default=5,
    show_default=True,
    metavar="N",
    help="How many mistakes to show.",
)
def evaluate(data, model_dir, json_path, plot_path, mistakes):
    """Score a model on held-out bAbI DATA: files, or folders (meaning their *_test.txt files).

    Prints the accuracy overall, per file and per task, the confusion matrix, the majority
    baseline, how often the most-attended sentence is a supporting one, the questions with
    unknown words, stories longer than the memory, answers outside the answer set, how often a
    question and its partner agree (consistency), and the most confident mistakes. Questions
    with unknown words or answers outside the answer set count as wrong. Exit codes: 0 done, 2
    usage error, 1 any other error (missing or malformed data, a missing model, an unwritable
    --json or --plot file).
    """
    from chatbot.answering.bot import Chatbot
    from chatbot.evaluation import evaluate as evaluation

    examples = evaluation.read_examples(data)  # before the slow model load: bad data fails fast
    report = evaluation.evaluate(Chatbot.load(model_dir).bundle, examples, mistakes=mistakes)
    echo(evaluation.format_report(report))
    if json_path:
        evaluation.save_json(report, json_path)
    if plot_path:
        from chatbot.evaluation.plots import save_evaluation_plot

        save_evaluation_plot(report, plot_path)


@cli.command()
@click.option("--story", metavar="TEXT", help="The story: one or more sentences.")
@click.option("--story-file", metavar="FILE", help="Read the story from a text file.")
@click.option("--question", required=True, metavar="Q", help="A yes/no question about it.")
@click.option("--model", "model_dir", metavar="DIR", help="Model folder [default: shipped model].")
@click.option("--json", "as_json", is_flag=True, help="Print answer, confidence, support as JSON.")
def ask(story, story_file, question, model_dir, as_json):
    """Answer one yes/no question about a story: `yes (99%)`, `no (97%)` or `maybe (88%)`.

    Give the story as --story TEXT or --story-file FILE. A story sentence of a form the model
    never met, or naming one person, place or object more than it tells apart, is left out,
    with a notice on stderr. Exit codes: 0 answered, 3 cannot answer (unknown words, a question
    form it does not know, someone the story never mentions, a sentence left out that the
    answer needs, not a yes/no question), 2 usage error, 1 any other error. With --json, prints
    {"answer", "confidence", "support", "unknown_words", "reason", "left_out", "steps"} even
    when it cannot answer ("answer" is then null, "steps" empty).
    """
    from chatbot.frontends.one_question import ask as answer_once

    if (story is None) == (story_file is None):
        raise click.UsageError("give the story with one of --story TEXT or --story-file FILE")
    if not answer_once(story, story_file, question, model_dir, as_json, echo):
        sys.exit(EXIT_CANNOT_ANSWER)  # the JSON is printed; "answer" is null


@cli.command()
@click.option("--model", "model_dir", metavar="DIR", help="Model folder [default: shipped model].")
def chat(model_dir):
    """Tell the bot a story and ask it yes/no questions; :help lists the commands.

    On a terminal: a prompt with history and tab completion (Ctrl-C clears the line, Ctrl-D
    leaves); the history file is $CHATBOT_HISTORY, else $XDG_STATE_HOME/chatbot/history or
    ~/.local/state/chatbot/history. With stdin not a terminal, batch mode: each question gives
    one line on stdout, the answer (`yes (99%)`) or `cannot answer: ` and why; notices go to
    stderr.
    """
    from chatbot.answering.bot import Chatbot
    from chatbot.frontends.repl import run_session

    # A person typing: compile calls of fixed shapes for one answer at a time (not for a script).
    bot = Chatbot.load(model_dir, wait=False, conversation=sys.stdin.isatty())
    try:
        run_session(bot)
    except BaseException:
        bot.wait_until_loaded(raise_error=False)
        raise
    # Also after :quit or the end of input: a model that cannot be loaded is an error (exit 1).
    # And the interpreter must never shut down while the loader thread is mid-import: that
    # aborts the process ("terminate called without an active exception").
    bot.wait_until_loaded()


@cli.command()
@click.option("--model", "model_dir", metavar="DIR", help="Model folder [default: shipped model].")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--cors",
    "cors_origins",
    multiple=True,
    metavar="ORIGIN",
    help="Let pages from ORIGIN (like https://example.org) call the API; repeatable.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes answering on the port, each with its own copy of the model (one a core).",
)
def serve(model_dir, host, port, cors_origins, workers):
    """Serve the chatbot as a web page and an HTTP API until Ctrl-C.

    GET / is the page; POST /api/ask takes {"story": "text" or ["sentence", ...], "question":
    "..."} and returns what `chatbot ask --json` prints (200 answered, 422 cannot answer, 400
    or 413 for a bad request, with {"error": "..."}); GET /api/info, GET /api/example?task=N
    and GET /healthz. It listens on 127.0.0.1 (this machine only) unless --host says otherwise.
    --workers N runs N processes on the one port (a core each answers; each holds the model in
    memory). Needs the web extra: pip install '.[web]'.
    """
    from chatbot.frontends.serve import run_server

    run_server(model_dir, host, port, cors_origins, report=click.echo, workers=workers)
