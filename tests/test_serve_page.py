"""The page of `chatbot serve` in a real browser: headless Chromium driven by Selenium.

The server runs the shipped default model, so "Is Mary in the bathroom?" gets a real "yes".
Set CHATBOT_SCREENSHOT=docs/serve.png to keep the screenshot (the README's picture is made so).
Outside CI the test skips where Chromium, its driver or Selenium is missing; in CI
(`CI` set) it fails instead, since .ci/run installs them.
"""

import io
import os
import shutil

import numpy as np
import pytest
from served import Served

XSS = "<b>bold</b> <script>pwned = 1</script> <img src=x onerror=pwned=2>"
WAIT_SECONDS = 60


def browser_or_skip():
    """Headless Chromium driven by Selenium, or a skip (in CI a failure) naming what is missing."""
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    try:
        from selenium import webdriver
    except ImportError:
        missing.append("the selenium package (pip install -e '.[test]')")
    if missing:
        message = f"no {', '.join(missing)}: apt-get install chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900"):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture(scope="module")
def page():
    pytest.importorskip("starlette", reason="the web extra is not installed: pip install '.[web]'")
    browser = browser_or_skip()
    served = Served()  # the shipped default model
    try:
        browser.get(served.url)
        yield browser
    finally:
        browser.quit()
        served.stop()


def wait_for(browser, condition, what: str):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT_SECONDS, ignored_exceptions=[StaleElementReferenceException])
    return wait.until(lambda _: condition(), message=what)


def story_lines(browser) -> list[str]:
    """The story's sentences as shown, read in one step (the page may redraw in between)."""
    script = "return [...document.querySelectorAll('#story li')].map((item) => item.textContent)"
    return browser.execute_script(script)


def type_into(browser, field: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = browser.find_element(By.ID, field)
    box.clear()
    box.send_keys(text, Keys.ENTER)


def test_tell_ask_see_bars_undo_and_screenshot(page, tmp_path):
    from selenium.webdriver.common.by import By

    info = page.find_element(By.ID, "model-info")
    wait_for(page, lambda: "remembers the newest" in info.text, "model info shown")
    assert "question form" in info.text and "reads new names, places and objects" in info.text
    chosen = page.execute_script("const s = byId('task'); return s.options[s.selectedIndex].text")
    assert "does not know" not in chosen  # it starts on a task whose words the model knows

    type_into(page, "sentence", "Mary moved to the bathroom.")
    type_into(page, "sentence", "Sandra journeyed to the bedroom. John went to the hallway.")
    type_into(page, "sentence", XSS)
    wait_for(page, lambda: len(story_lines(page)) == 4, "four sentences in the story")
    assert story_lines(page)[3] == XSS + "."  # shown as text, not run as HTML
    assert page.execute_script("return window.pwned") is None
    assert page.find_elements(By.CSS_SELECTOR, "#story script, #story b, #story img") == []

    page.find_element(By.ID, "undo").click()
    wait_for(page, lambda: len(story_lines(page)) == 3, "undo took back the last sentence")
    assert story_lines(page) == [
        "Mary moved to the bathroom.",
        "Sandra journeyed to the bedroom.",
        "John went to the hallway.",
    ]

    type_into(page, "question", "Is Mary in the bathroom?")
    answers = lambda: page.find_elements(By.CSS_SELECTOR, "#answers .answer")  # noqa: E731
    wait_for(page, lambda: len(answers()) == 1, "an answer")
    answer = answers()[0]
    assert answer.find_element(By.CSS_SELECTOR, ".question").text == "Is Mary in the bathroom?"
    assert answer.find_element(By.CSS_SELECTOR, ".label").text.startswith("yes (")
    rows = answer.find_elements(By.CSS_SELECTOR, ".support li")
    assert rows[0].find_element(By.CSS_SELECTOR, ".sentence").text == "Mary moved to the bathroom."
    fill = rows[0].find_element(By.CSS_SELECTOR, ".bar span")
    assert fill.size["width"] > 0.9 * fill.find_element(By.XPATH, "..").size["width"]
    # The chain of a network that reads in steps: one row per step, each with its sentence.
    from chatbot.network.folder import default_model_dir, read_config

    steps = read_config(default_model_dir())[0].steps
    chain = answer.find_elements(By.CSS_SELECTOR, ".chain li")
    assert len(chain) == (steps if steps > 1 else 0)
    assert all(row.find_element(By.CSS_SELECTOR, ".sentence").text for row in chain)

    type_into(page, "question", "Is Sandra in the kitchen?")
    wait_for(page, lambda: len(answers()) == 2, "a second answer")
    assert answers()[0].find_element(By.CSS_SELECTOR, ".label").text.startswith("no (")

    png = page.get_screenshot_as_png()
    assert_not_blank(png)
    (tmp_path / "serve.png").write_bytes(png)
    if os.environ.get("CHATBOT_SCREENSHOT"):
        with open(os.environ["CHATBOT_SCREENSHOT"], "wb") as file:
            file.write(png)


def test_load_an_example_and_reset(page):
    from selenium.webdriver.common.by import By

    page.find_element(By.ID, "reset").click()  # the story may hold the last test's sentences
    wait_for(page, lambda: story_lines(page) == [], "an empty story")
    page.find_element(By.CSS_SELECTOR, "#task option[value='17']").click()
    page.find_element(By.ID, "example").click()
    wait_for(page, lambda: len(story_lines(page)) > 0, "a task 17 story")
    example = story_lines(page)
    tries = page.find_elements(By.CSS_SELECTOR, "#try-questions button")
    assert tries and all(button.text.endswith("?") for button in tries)
    page.find_element(By.ID, "reset").click()
    wait_for(page, lambda: story_lines(page) == [], "an empty story")
    page.find_element(By.ID, "undo").click()
    wait_for(page, lambda: story_lines(page) == example, "undo brought the example back")


def assert_not_blank(png: bytes) -> None:
    """A screenshot with text and colour on it: many distinct colours, not one flat fill."""
    import matplotlib.image

    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3]  # (height, width, 3)
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert pixels.shape[0] >= 600 and pixels.shape[1] >= 1000
    assert len(colours) > 50, f"the screenshot has only {len(colours)} colours"
    assert pixels.std() > 0.05
