"""A model folder loaded once, now or in the background, into the one object every caller shares.

Loading the network means importing TensorFlow, which takes seconds. `load_quietly` loads a
folder into a `ModelBundle` and warms it up; `LoadingModel` reads the small files (vocabulary,
sizes, answers, lexicon) at once and loads the network in a background thread, so a prompt can
appear while the person types: it has the bundle's fields from the start, and `predict` waits
for the network.
"""

import threading
import warnings
from concurrent.futures import Future

from chatbot.errors import ChatbotError


def load_quietly(model_dir):
    """Load a model folder and warm it up, keeping Keras' Python warnings off the screen.

    Args:
        model_dir: the folder; None means the shipped default model.

    Returns:
        The `ModelBundle`.
    """
    from chatbot.network.folder import load_model_dir
    from chatbot.network.inference import warm_up

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bundle = load_model_dir(model_dir)
        warm_up(bundle)  # traces the compiled inference here, where warnings are quiet
    return bundle


class LoadingModel:
    """A model folder whose network loads in a daemon thread (`chat` waits for it at the end).

    Args:
        model_dir: the folder; None means the shipped default model.
        conversation: see `Chatbot.load`.

    Raises:
        ChatbotError: the folder or one of its small files is missing or damaged (at once).
    """

    def __init__(self, model_dir=None, conversation: bool = False):
        from chatbot.network.folder import read_small_files

        folder, self.config, self.answers, self.train_config, self.vocabulary, self.lexicon = (
            read_small_files(model_dir)
        )
        self.conversation = conversation  # see `Chatbot.load`
        self._loading = Future()
        threading.Thread(target=self._load, args=(folder,), name="load-model", daemon=True).start()

    def _load(self, folder) -> None:
        try:
            bundle = load_quietly(folder)
            if self.conversation:  # one question at a time, as a person types them
                bundle.prepare_conversation()
            self._loading.set_result(bundle)
        except BaseException as error:  # handed to the thread that asks for the bundle
            self._loading.set_exception(error)

    @property
    def bundle(self):
        """The loaded `ModelBundle`; waits for it and re-raises the load's error."""
        try:
            return self._loading.result()
        except ChatbotError:
            raise
        except BaseException as error:
            raise ChatbotError(f"cannot load the model: {error}") from error

    def wait(self, raise_error: bool = True) -> None:
        """Wait for the load to end; re-raise its error (as a ChatbotError) if asked."""
        if raise_error:
            self.bundle  # noqa: B018  raises the load's error
        else:
            self._loading.exception()  # waits; the error stays for `bundle`

    def predict(self, story, question):
        """`ModelBundle.predict`, once the network has loaded."""
        return self.bundle.predict(story, question)

    def predict_steps(self, story, question):
        """`ModelBundle.predict_steps`, once the network has loaded."""
        return self.bundle.predict_steps(story, question)
