"""Training past one process: TensorFlow's distribution strategies (`train --distribute`).

`mirrored` trains on every local GPU, or on N logical CPU devices (`--devices N`);
`multi-worker` on the workers TF_CONFIG names, as TensorFlow documents it. Keras' `fit` fails
under MultiWorkerMirroredStrategy with our dict inputs (keras-team/keras#20329), so both
strategies train with the step below, run by `strategy.run`: every worker draws the same global
batch (same seed, same epoch, same stories), each replica takes its slice of it, and the loss
is divided by the global batch size, so the optimizer's summed gradients are the one-process
mean. Only the chief writes: the other workers train into a temporary work folder.
See docs/SCALING.md.
"""

import json
import os
import subprocess
import sys
from contextlib import nullcontext

import numpy as np

from chatbot.errors import ChatbotError, UsageError

KINDS = ("none", "mirrored", "multi-worker")
CLUSTER_TIMEOUT = 60  # seconds a worker waits for the others before it gives up, unless
TIMEOUT_VARIABLE = "CHATBOT_CLUSTER_TIMEOUT"  # says otherwise (seconds)


def start(kind: str, devices: int | None):
    """The strategy to train under, or None for one process; call before TensorFlow starts.

    Raises:
        UsageError: --devices without mirrored, or a TF_CONFIG that is not usable.
        ChatbotError: TensorFlow already started, or the other workers cannot be reached.
    """
    if kind not in KINDS:
        raise UsageError(f"--distribute is one of {', '.join(KINDS)}; received {kind!r}")
    if devices is not None and (kind != "mirrored" or devices < 1):
        raise UsageError("--devices N (N >= 1) goes with --distribute mirrored")
    if kind == "none":
        return None
    import tensorflow as tf

    if kind == "mirrored":
        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            names = [f"/gpu:{index}" for index in range(len(gpus))][:devices]
        else:
            count = devices or 1
            cpu = tf.config.list_physical_devices("CPU")[0]
            try:
                tf.config.set_logical_device_configuration(
                    cpu, [tf.config.LogicalDeviceConfiguration()] * count
                )
            except RuntimeError:
                raise ChatbotError(
                    "--devices must be set before TensorFlow starts; run `chatbot train` in a "
                    "fresh process"
                ) from None
            names = [f"/cpu:{index}" for index in range(count)]
        return tf.distribute.MirroredStrategy(names)
    return _multi_worker(tf, _cluster())


def _cluster() -> dict:
    """TF_CONFIG, checked: {"cluster": {"worker": [...]}, "task": {"type", "index"}}."""
    text = os.environ.get("TF_CONFIG")
    if not text:
        raise UsageError(
            "--distribute multi-worker reads TF_CONFIG; set it to "
            '{"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker", "index": N}}'
        )
    try:
        config = json.loads(text)
        task, cluster = config["task"], config["cluster"]
        addresses = cluster[task["type"]]
        assert isinstance(addresses, list) and 0 <= int(task["index"]) < len(addresses)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise UsageError(
            f"TF_CONFIG is not a cluster with this task in it: {text[:200]}; see docs/SCALING.md"
        ) from None
    return config


def is_chief(strategy) -> bool:
    """Whether this process writes: one process, or TF_CONFIG's chief (else worker 0)."""
    import tensorflow as tf

    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return True
    task = _cluster()["task"]
    if "chief" in _cluster()["cluster"]:
        return task["type"] == "chief"
    return task["type"] == "worker" and int(task["index"]) == 0


def _multi_worker(tf, config: dict):
    """MultiWorkerMirroredStrategy, once every worker answers; else one line and exit 1."""
    task = config["task"]
    me = config["cluster"][task["type"]][int(task["index"])]
    others = [
        address
        for addresses in config["cluster"].values()
        for address in addresses
        if address != me
    ]

    try:
        timeout = float(os.environ.get(TIMEOUT_VARIABLE) or CLUSTER_TIMEOUT)
    except ValueError:
        raise UsageError(f"{TIMEOUT_VARIABLE} is a number of seconds") from None
    # TensorFlow waits for the cluster inside C++, holding the interpreter: a thread or a
    # signal here would never run, so a small process of its own watches this one.
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(timeout), *others],
        stdin=subprocess.PIPE,
    )
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    logger, level = tf.get_logger(), tf.get_logger().level
    logger.setLevel("ERROR")  # not "Using CollectiveAllReduceStrategy eagerly has ... overhead"
    try:
        strategy.reduce("SUM", strategy.run(lambda: tf.constant(1.0)), axis=None)  # all here
    finally:
        logger.setLevel(level)
    watchdog.stdin.close()  # the cluster answered: the watchdog ends
    watchdog.wait()
    return strategy


_WATCHDOG = """
import os, select, signal, socket, sys
pid, timeout, others = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
if select.select([sys.stdin], [], [], timeout)[0]:
    sys.exit(0)  # the worker closed the pipe: the cluster answered, or it ended
def listening(address):
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except (OSError, ValueError):
        return False
silent = [address for address in others if not listening(address)] or others
sys.stderr.write(
    f"Error: cannot reach the worker at {', '.join(silent)} (TF_CONFIG) within {timeout:g} s; "
    "start every worker, or check the addresses\\n"
)
os.kill(pid, signal.SIGKILL)
sys.exit(1)
"""


def scope(strategy):
    return nullcontext() if strategy is None else strategy.scope()


def fit_epochs(strategy, model, settings, batches_of, validation, epochs, callbacks, verbose):
    """Train `epochs` (a range) under `strategy` with our own step; Keras callbacks as in fit.

    `batches_of(epoch)` gives that epoch's global batches (`fitting.Batches`), `validation`
    the validation batches; every worker computes the validation figures itself.
    """
    import tensorflow as tf

    from chatbot.network.backend import keras

    with strategy.scope():  # its variables made here, not inside the traced step
        model.optimizer.build(model.trainable_variables)
    step = _train_step(strategy, model, settings)
    steps = len(batches_of(epochs.start)) if len(epochs) else 0
    listed = keras.callbacks.CallbackList(
        list(callbacks), add_progbar=bool(verbose), model=model, verbose=verbose,
        epochs=epochs.stop, steps=steps,
    )  # fmt: skip
    model.stop_training = False
    listed.on_train_begin()
    for epoch in epochs:
        listed.on_epoch_begin(epoch)
        totals, seen = np.zeros(3), 0
        for index, (inputs, targets) in enumerate(batches_of(epoch)):
            listed.on_train_batch_begin(index)
            size = len(targets["answer"])
            try:
                values = step(_split(strategy, inputs), _split(strategy, targets), float(size))
            except (
                tf.errors.UnavailableError,
                tf.errors.AbortedError,
                tf.errors.CancelledError,
                tf.errors.DeadlineExceededError,
            ) as error:
                raise ChatbotError(
                    f"training stopped: another worker is gone ({type(error).__name__}); "
                    "restart every worker with --resume"
                ) from None
            totals, seen = totals + [float(value) * size for value in values], seen + size
            listed.on_train_batch_end(index, _logs(totals, seen))
        logs = _logs(totals, seen)
        logs.update(_validate(model, settings, validation))
        listed.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    listed.on_train_end()


def _logs(totals, count) -> dict:
    loss, answer_loss, correct = totals / max(count, 1)
    return {"loss": loss, "answer_loss": answer_loss, "answer_accuracy": correct}


def _split(strategy, arrays: dict):
    """Each replica's slice of a global batch, as the strategy's per-replica values."""
    replicas = strategy.num_replicas_in_sync

    def slice_of(context):
        index = context.replica_id_in_sync_group
        return {name: np.array_split(array, replicas)[index] for name, array in arrays.items()}

    return strategy.experimental_distribute_values_from_function(slice_of)


def _losses(settings, outputs, targets, size):
    """(weighted loss, answer loss, share of correct answers): summed over the slice, divided
    by the global batch `size`; Keras' compiled losses (fitting._compile) for any replicas."""
    import tensorflow as tf

    from chatbot.network.backend import keras

    answer = keras.losses.sparse_categorical_crossentropy(targets["answer"], outputs["answer"])
    answer_loss = tf.reduce_sum(answer) / size
    loss = answer_loss
    supervised = "steps" if "steps" in outputs else "attention"
    if settings.attention_weight:
        attention = keras.losses.categorical_crossentropy(
            targets[supervised], outputs[supervised]
        )  # one value per question (and step)
        per_question = tf.cast(tf.reduce_prod(tf.shape(attention)[1:]), tf.float32)
        loss += settings.attention_weight * tf.reduce_sum(attention) / (size * per_question)
    predicted = tf.argmax(outputs["answer"], axis=-1, output_type=tf.int32)
    correct = tf.reduce_sum(tf.cast(predicted == tf.cast(targets["answer"], tf.int32), tf.float32))
    return loss, answer_loss, correct / size


def _train_step(strategy, model, settings):
    import tensorflow as tf

    def replica_step(inputs, targets, size):
        with tf.GradientTape() as tape:
            outputs = model(inputs, training=True)
            loss, answer_loss, correct = _losses(settings, outputs, targets, size)
        variables = model.trainable_variables
        # Embedding gradients come as IndexedSlices, one slice per word read. Keras' Adam
        # squares each slice, not their sum, so the update would depend on how the batch is
        # split over the replicas; dense, it does not (and #21069's shapes do not arise).
        gradients = [
            tf.convert_to_tensor(gradient) if isinstance(gradient, tf.IndexedSlices) else gradient
            for gradient in tape.gradient(loss, variables)
        ]
        # The optimizer sums the gradients over the replicas.
        model.optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return loss, answer_loss, correct  # each this replica's share of the global batch

    @tf.function(reduce_retracing=True)
    def step(inputs, targets, size):
        values = strategy.run(replica_step, args=(inputs, targets, size))
        return [strategy.reduce("SUM", value, axis=None) for value in values]

    return step


def _validate(model, settings, validation) -> dict:
    """val_loss, val_answer_loss, val_answer_accuracy over the validation batches."""
    totals, count = np.zeros(3), 0
    for inputs, targets in validation:
        size = len(targets["answer"])
        outputs = model(inputs, training=False)
        values = _losses(settings, outputs, targets, float(size))
        totals, count = totals + [float(value) * size for value in values], count + size
    loss, answer_loss, correct = totals / max(count, 1)
    return {"val_loss": loss, "val_answer_loss": answer_loss, "val_answer_accuracy": correct}
