"""The story generator: one simulated world that tells every kind of story of bAbI's twenty
tasks, as yes/no questions (docs/QUESTION_FORMS.md), and mixed stories of all of them.

The modules, one concern each:

- `words`: bAbI's words and the long lists of names, places and objects (with a held-out part).
- `lines`: the lines of a story as it is told, numbered as bAbI numbers them.
- `people`: the world of people, places, objects and moods; each event tells a sentence.
- `questions`: questions about that world, answered from what the story has said.
- `tasks_places`, `tasks_objects`, `tasks_logic`: each task's stories as bAbI tells them.
- `mixed`: mixed stories, 1 to 250 sentences, every kind of sentence together.
- `everyday`: the same stories retold in everyday wordings (`generate_stories(..., wordings=
  "everyday")`), which `stories.sentence_forms` reads.
- `tasks`: the task list, random streams per task and split, and writing the files.

Nothing here imports Keras or TensorFlow.
"""

from chatbot.stories.world.everyday_words import word_roles
from chatbot.stories.world.tasks import (
    DEFAULT_TASKS,
    MAX_QUESTIONS,
    MIX,
    MIX_STEM,
    SPLITS,
    TASKS,
    TRAINING_SHARES,
    example_story,
    file_name,
    generate_files,
    generate_stories,
    questions_to_try,
    task_named,
)

__all__ = [
    "DEFAULT_TASKS",
    "MAX_QUESTIONS",
    "MIX",
    "MIX_STEM",
    "SPLITS",
    "TASKS",
    "TRAINING_SHARES",
    "example_story",
    "file_name",
    "task_named",
    "generate_files",
    "generate_stories",
    "questions_to_try",
    "word_roles",
]
