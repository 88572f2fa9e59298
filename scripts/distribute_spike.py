"""Spike: two training steps of a tiny model under tf.distribute, with Keras' fit.

    python scripts/distribute_spike.py mirrored            # 2 logical CPU devices
    python scripts/distribute_spike.py multi-worker INDEX  # run twice, INDEX 0 and 1

Prints "fit OK" or the error Keras' fit raised. Kept as the record of docs/SCALING.md's spike.
"""

import json
import os
import sys
import traceback

mode = sys.argv[1]
if mode == "multi-worker":
    os.environ["TF_CONFIG"] = json.dumps(
        {
            "cluster": {"worker": ["127.0.0.1:24561", "127.0.0.1:24562"]},
            "task": {"type": "worker", "index": int(sys.argv[2])},
        }
    )
import tensorflow as tf  # noqa: E402

if mode == "mirrored":
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy([f"/cpu:{n}" for n in range(2)])
else:
    strategy = tf.distribute.MultiWorkerMirroredStrategy()

from chatbot.config import TrainConfig  # noqa: E402
from chatbot.network.model import build_model  # noqa: E402
from chatbot.training import dataset, fitting  # noqa: E402

settings = TrainConfig(epochs=1, batch_size=8, generated_questions=12, validation_split=0.25)
tiny = {"embedding_dim": 4, "hidden_dim": 8, "blocks": 1, "heads": 1}
prepared = dataset.prepare(["generated"], settings, None, tiny, lambda line: None)
config = prepared.config
batches = fitting.Batches(prepared.train_arrays, 8, 0, 0, None, config.steps).cycled(2)
stream = fitting._stream(lambda: [batches], config, 2)
with strategy.scope():
    model = build_model(config)
    fitting._compile(model, settings)
try:
    model.fit(stream, steps_per_epoch=2, epochs=1, verbose=0)
    print("fit OK", mode, strategy.num_replicas_in_sync, "replicas")
except Exception as error:
    print("fit FAILED", mode, type(error).__name__, str(error).splitlines()[:3])
    traceback.print_exc(limit=-4)
