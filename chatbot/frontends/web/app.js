// The page of `chatbot serve`: a story told sentence by sentence, questions asked against it
// through POST /api/ask, each answer shown with bars for the attention on the story's sentences
// (what `:why` shows in `chatbot chat`). User text is only ever set as textContent, never as
// HTML, so a story holding "<script>" shows it as text.
"use strict";

const SHOWN_WEIGHT = 0.01; // like `:why`: sentences with at least this weight get a bar

const state = {
  story: [], // sentences, oldest first
  undo: [], // stories before each change
  memory: null, // sentences the model remembers (from /api/info)
};

const byId = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function percent(weight) {
  return `${Math.round(weight * 100)}%`;
}

// Split typed text into sentences at . ! ? (each keeps its ending), dropping empty pieces.
function splitSentences(text) {
  return (text.match(/[^.!?]+[.!?]*/g) || [])
    .map((piece) => piece.trim())
    .filter((piece) => /[\p{L}\p{N}]/u.test(piece));
}

function say(text) {
  byId("notice").textContent = text || "";
}

function renderStory() {
  const list = byId("story");
  list.replaceChildren();
  const forgotten = state.memory ? Math.max(state.story.length - state.memory, 0) : 0;
  state.story.forEach((sentence, index) => {
    const item = element("li", index < forgotten ? "forgotten" : "", sentence);
    list.append(item);
  });
  byId("story-empty").hidden = state.story.length > 0;
  byId("undo").disabled = state.undo.length === 0;
  byId("reset").disabled = state.story.length === 0;
}

function changeStory(sentences) {
  state.undo.push(state.story);
  state.story = sentences;
  renderStory();
}

function showQuestionsToTry(questions) {
  const box = byId("try-questions");
  box.replaceChildren();
  for (const question of questions) {
    const button = element("button", "", question);
    button.type = "button";
    button.addEventListener("click", () => {
      byId("question").value = question;
      ask(question);
    });
    box.append(button);
  }
  byId("try").hidden = questions.length === 0;
}

async function getJson(url, options) {
  const response = await fetch(url, options);
  let body;
  try {
    body = await response.json();
  } catch {
    body = { error: `the server answered ${response.status} without JSON` };
  }
  return { status: response.status, body };
}

function renderAnswer(question, status, body) {
  const card = element("article", "answer");
  card.append(element("p", "question", question));
  if (body.error !== undefined) {
    card.append(element("p", "label cannot", `error (${status}): ${body.error}`));
  } else if (body.answer === null) {
    card.append(element("p", "label cannot", `cannot answer: ${body.reason}`));
  } else {
    const label = element("p", `label ${body.answer}`, body.answer);
    label.append(" ", element("span", "confidence", `(${percent(body.confidence)})`));
    card.append(label);
    if (body.steps && body.steps.length > 1) {
      card.append(chain(body.steps));
    }
    card.append(supportList(body.support));
  }
  byId("answers").prepend(card);
}

// One sentence with its attention: a bar, the percentage, the sentence.
function weightedRow(item) {
  const row = element("li");
  const bar = element("span", "bar");
  const fill = element("span");
  fill.style.width = percent(item.weight);
  bar.append(fill);
  row.append(bar, element("span", "weight", percent(item.weight)));
  row.append(element("span", "sentence", item.sentence));
  return row;
}

// The chain of reasoning: the sentence each reading step rests on, in the order read.
function chain(steps) {
  const list = element("ol", "chain");
  steps.forEach((step, index) => {
    const row = weightedRow(step[0]);
    row.prepend(element("span", "step", `step ${index + 1}`));
    list.append(row);
  });
  return list;
}

function supportList(support) {
  const wrapper = element("div", "why");
  const list = element("ul", "support");
  const shown = support.filter((item) => item.weight >= SHOWN_WEIGHT);
  for (const item of shown) {
    list.append(weightedRow(item));
  }
  wrapper.append(list);
  const hidden = support.length - shown.length;
  if (hidden > 0) {
    const noun = hidden === 1 ? "sentence" : "sentences";
    wrapper.append(element("p", "quiet hidden-count", `and ${hidden} more ${noun} below 1%`));
  }
  return wrapper;
}

async function ask(question) {
  question = question.trim();
  if (!question) {
    say("type a yes/no question, like “Is Mary in the bathroom?”");
    return;
  }
  say("");
  try {
    const { status, body } = await getJson("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ story: state.story, question }),
    });
    renderAnswer(question, status, body);
  } catch (error) {
    say(`could not reach the server: ${error}`);
  }
}

function addText(text) {
  const statements = [];
  const questions = [];
  for (const sentence of splitSentences(text)) {
    (sentence.endsWith("?") ? questions : statements).push(
      /[.!?]$/.test(sentence) ? sentence : `${sentence}.`,
    );
  }
  if (statements.length) changeStory([...state.story, ...statements]);
  for (const question of questions) ask(question);
  if (!statements.length && !questions.length) say("type a sentence of the story");
}

async function loadExample() {
  try {
    const { status, body } = await getJson(`/api/example?task=${byId("task").value}`);
    if (status !== 200) {
      say(`could not load an example: ${body.error}`);
      return;
    }
    changeStory(body.story);
    showQuestionsToTry(body.questions);
    say(`an example story of task ${body.task} (${body.name})`);
  } catch (error) {
    say(`could not reach the server: ${error}`);
  }
}

async function loadInfo() {
  try {
    const { body } = await getJson("/api/info");
    state.memory = body.memory;
    const folderName = body.folder.split(/[\\/]/).filter(Boolean).pop();
    byId("model-info").textContent =
      `Model: ${folderName} · remembers the newest ${body.memory} sentences · ` +
      `knows ${body.forms.length} question form${body.forms.length === 1 ? "" : "s"} ` +
      `and reads new names, places and objects · ` +
      `answers ${body.answers.join(", ")}`;
    byId("model-info").title = body.folder;
    const select = byId("task");
    for (const task of body.example_tasks) {
      const kind = task.name.replace(/^qa\d+_/, "").replaceAll("-", " ");
      const unknown = task.words_known ? "" : " (words the model does not know)";
      const option = element("option", "", `task ${task.task}: ${kind}${unknown}`);
      option.value = String(task.task);
      select.append(option);
    }
    // Start on a task whose stories the model can read.
    const readable = body.example_tasks.find((task) => task.words_known);
    if (readable) select.value = String(readable.task);
    renderStory();
  } catch (error) {
    say(`could not reach the server: ${error}`);
  }
}

function start() {
  byId("add-form").addEventListener("submit", (event) => {
    event.preventDefault();
    say("");
    addText(byId("sentence").value);
    byId("sentence").value = "";
  });
  byId("ask-form").addEventListener("submit", (event) => {
    event.preventDefault();
    ask(byId("question").value);
  });
  byId("undo").addEventListener("click", () => {
    if (!state.undo.length) return;
    state.story = state.undo.pop();
    say(`took back the last change; the story has ${state.story.length} sentences`);
    renderStory();
  });
  byId("reset").addEventListener("click", () => {
    changeStory([]);
    showQuestionsToTry([]);
    say("started a new, empty story (Undo brings the old one back)");
  });
  byId("example").addEventListener("click", loadExample);
  renderStory();
  loadInfo();
}

start();
