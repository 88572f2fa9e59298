"""Option lists of `chatbot` commands too long to sit in cli.py: the command line layer."""

import click

from chatbot.config import ModelConfig, TrainConfig


def train_options(command):
    """`chatbot train`'s argument and options, in the order its help lists them."""
    for option in reversed(_TRAIN):
        command = option(command)
    return command


_TRAIN = [
    click.argument("data", nargs=-1),
    click.option("--out", "out_dir", required=True, metavar="DIR", help="Model folder to write."),
    click.option(
        "--epochs", type=int, metavar="N", help="Most epochs; early stopping may end sooner."
    ),
    click.option("--batch-size", type=int, metavar="B", help="Questions per training step."),
    click.option("--seed", type=int, metavar="S", help="Seed: same seed, same model."),
    click.option("--valid", "valid_file", metavar="FILE", help="bAbI file to validate on."),
    click.option(
        "--validation-split",
        type=float,
        metavar="F",
        help="Share of the stories held out for validation "
        f"[default: {TrainConfig.validation_split}].",
    ),
    click.option(
        "--questions",
        type=int,
        metavar="N",
        help="Generated questions per task (times its share) "
        f"[default: {TrainConfig.generated_questions}].",
    ),
    click.option(
        "--steps",
        type=int,
        metavar="K",
        help=f"Times the network reads the story, each read led by the one before [default: "
        f"{ModelConfig.steps}].",
    ),
    click.option(
        "--wordings",
        type=click.Choice(["babi", "everyday"]),
        help="How the generated stories are told: bAbI's own sentences, or as people say them "
        f"[default: {TrainConfig.wordings}].",
    ),
    click.option(
        "--distribute",
        type=click.Choice(["none", "mirrored", "multi-worker"]),
        default="none",
        show_default=True,
        help="Train in one process, on this machine's devices (mirrored), or on the workers "
        "TF_CONFIG names (multi-worker).",
    ),
    click.option(
        "--devices",
        type=click.IntRange(1, 64),
        metavar="N",
        help="With mirrored: the first N GPUs, or N logical CPU devices where there is no GPU.",
    ),
    click.option(
        "--learning-rate",
        type=float,
        metavar="RATE",
        help=f"The rate of the first half of the epochs; it then falls to a tenth [default: "
        f"{TrainConfig.learning_rate}].",
    ),
    click.option(
        "--start-from",
        metavar="MODEL",
        help="Start from the weights of this model folder (trained on the same data, same "
        "--steps) instead of new ones: to train longer.",
    ),
    click.option("--resume", is_flag=True, help="Continue an interrupted run from DIR.partial."),
    click.option("--overwrite", is_flag=True, help="Replace DIR if it exists."),
]
