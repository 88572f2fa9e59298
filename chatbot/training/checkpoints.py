"""Resumable training: the work folder `OUT.partial`, its per-epoch checkpoints and early stopping.

Every finished epoch is checkpointed into the work folder beside `OUT` (model with optimizer
state, the random generators' states, the best weights so far and a small `state.json` that
commits them). A resumed run continues from there and ends as the uninterrupted run would,
given that each epoch's batch order depends only on the seed and the epoch number.
"""

import io
import json
import os
import time
from pathlib import Path

import numpy as np

from chatbot.errors import WITHOUT_RESUME, ChatbotError, Message
from chatbot.files import WriteError, write_bytes_atomic, write_text_atomic
from chatbot.network.backend import keras
from chatbot.network.model import load_model
from chatbot.training.work_folder import cannot_write, empty, target_of

STATE_FILE = "state.json"


def _read_state(partial: Path) -> dict | None:
    try:
        return json.loads((partial / STATE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise ChatbotError(
            Message(
                f"cannot read {partial / STATE_FILE} ({error}); delete {partial} and ",
                WITHOUT_RESUME,
            )
        ) from None


def start(partial: Path, fingerprint: str, resume: bool, new_model, report) -> tuple:
    """The model to fit: restored from the work folder's last epoch, or a new one.

    Args:
        partial: the work folder.
        fingerprint: what the run is (`dataset.fingerprint`); a checkpoint must match it.
        resume: continue from the checkpoints, if there are any.
        new_model: makes a new compiled model.
        report: called with a notice line.

    Returns:
        (model, state): the state committed after the last finished epoch, or None when
        starting afresh (older checkpoints are then removed).

    Raises:
        ChatbotError: a checkpoint of another run, or one that cannot be read.
    """
    state = _read_state(partial) if resume else None
    if resume and state is None:
        report(f"nothing to resume in {partial}; starting from the first epoch")
    if state is not None and state.get("fingerprint") != fingerprint:
        raise ChatbotError(
            Message(
                f"{partial} holds a run with other data or settings; ",
                WITHOUT_RESUME,
                " to start afresh",
            )
        )
    if state is None:
        try:
            empty(partial)  # an older run's checkpoints (the folder is ours: work_folder)
        except OSError as error:
            raise cannot_write(target_of(partial), error) from None
        return new_model(), None
    model = _load_checkpoint(partial / state["checkpoint"])
    # Keras does not restore the random generators' states (dropout) from a .keras file.
    for variable, value in zip(
        _random_states(model), _load_npz(partial / state["random_states"]), strict=True
    ):
        variable.assign(value)
    report(f"resuming after epoch {state['epoch']} from {partial}")
    return model, state


def finished(state: dict | None, epochs: int) -> bool:
    """Whether a resumed run has nothing left to fit: it stopped early or ran all its epochs."""
    return state is not None and (state["stopped"] or state["epoch"] >= epochs)


def _load_checkpoint(path: Path):
    try:
        return load_model(path, compile=True)  # with the optimizer's state
    except Exception as error:
        raise ChatbotError(
            Message(
                f"cannot load the checkpoint {path} ({type(error).__name__}); delete "
                f"{path.parent} and ",
                WITHOUT_RESUME,
            )
        ) from None


def _random_states(model) -> list:
    """The model's random generator state variables (dropout), in a stable order."""
    return [variable for variable in model.variables if "seed_generator" in variable.path]


def _save_npz(path: Path, arrays: list) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, *arrays)
    write_bytes_atomic(path, buffer.getvalue())


def _load_npz(path: Path) -> list:
    with np.load(path, allow_pickle=False) as saved:
        return [saved[f"arr_{index}"] for index in range(len(saved.files))]


class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """Keras early stopping whose state (best score, wait, best weights) survives a resume.

    It stops when `monitor` (a metric to maximize) has not improved for `patience` epochs and
    restores the best epoch's weights.
    """

    def __init__(self, state, partial, monitor: str, patience: int, verbose: int = 0):
        super().__init__(
            monitor=monitor,
            mode="max",
            patience=patience,
            restore_best_weights=True,
            verbose=1 if verbose else 0,
        )
        self.resumed = state["early_stopping"] if state else None
        self.partial = partial

    def saved_best_weights(self):
        return _load_npz(self.partial / self.resumed["best_weights"])

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        if self.resumed:
            self.wait = self.resumed["wait"]
            self.best = self.resumed["best"]
            self.best_epoch = self.resumed["best_epoch"]
            self.best_weights = self.saved_best_weights()


class SaveProgress(keras.callbacks.Callback):
    """After each epoch: checkpoint, best weights, then state.json, which commits both.

    Files carry the epoch number and state.json names them, so a kill at any point leaves
    the previous epoch's complete set in place (a plain ModelCheckpoint can leave a
    half-written file behind).
    """

    def __init__(self, partial: Path, fingerprint: str, stopping, state: dict | None):
        super().__init__()
        self.partial, self.fingerprint, self.stopping = partial, fingerprint, stopping
        self.history = {
            name: list(values) for name, values in (state or {}).get("history", {}).items()
        }
        self.seconds = state["seconds"] if state else 0.0
        self.state = None  # the state this run committed last

    def on_epoch_begin(self, epoch, logs=None):
        self.started = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.monotonic() - self.started
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        temporary = self.partial / f".checkpoint-{epoch + 1}.keras.tmp.keras"
        try:
            self._save(epoch, temporary)
        except (OSError, WriteError) as error:  # no space, read-only, no permission
            temporary.unlink(missing_ok=True)
            raise cannot_write(target_of(self.partial), error) from None

    def _save(self, epoch: int, temporary: Path) -> None:
        checkpoint = f"checkpoint-{epoch + 1}.keras"
        self.model.save(temporary)
        os.replace(temporary, self.partial / checkpoint)
        random_states = f"random-{epoch + 1}.npz"
        _save_npz(self.partial / random_states, [np.asarray(v) for v in _random_states(self.model)])
        previous = (self.state or {}).get("early_stopping", {}).get("best_weights")
        best_weights = previous or (
            self.stopping.resumed["best_weights"] if self.stopping.resumed else None
        )
        if self.stopping.best_epoch == epoch and self.stopping.best_weights is not None:
            best_weights = f"best-{epoch + 1}.npz"
            _save_npz(self.partial / best_weights, self.stopping.best_weights)
        self.state = {
            "fingerprint": self.fingerprint,
            "epoch": epoch + 1,
            "checkpoint": checkpoint,
            "random_states": random_states,
            "stopped": bool(self.model.stop_training),
            "seconds": self.seconds,
            "history": self.history,
            "early_stopping": {
                "wait": self.stopping.wait,
                "best": None if self.stopping.best is None else float(self.stopping.best),
                "best_epoch": self.stopping.best_epoch,
                "best_weights": best_weights,
            },
        }
        write_text_atomic(self.partial / STATE_FILE, json.dumps(self.state) + "\n")
        keep = {checkpoint, random_states, best_weights, STATE_FILE}
        for old in self.partial.glob("*"):
            if old.name not in keep and not old.name.startswith("."):
                old.unlink()
