"""The review page in a real browser (Debian's chromium, headless, driven by selenium through
chromium-driver): a curator opens a demo patient, accepts one fact and corrects another with the
keyboard alone, reloads, and sees both decisions, which are stored in the registry.

Without chromium the test skips, except in CI (CI=true), where scripts/test.sh installs it and a
missing browser is a failure."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from caseminer.db.models import PatientRow
from caseminer.review import create_app
from caseminer.review.server import serving_in_background

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

Rows = Callable[..., list[tuple[Any, ...]]]


def _need_chromium() -> None:
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser test (scripts/test.sh installs them)")
    pytest.skip(reason)


@pytest.fixture
def browser() -> Iterator[Any]:
    _need_chromium()
    from screenshot_review import chromium_driver

    driver = chromium_driver()
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def facts(driver: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "li.fact-row")


def selected(driver: Any) -> int:
    (index,) = [i for i, row in enumerate(facts(driver)) if "selected" in row.get_attribute("class").split()]
    return index


def press(driver: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def move_to(driver: Any, field: str, value: str) -> None:
    """Select the fact (field, value) with j / k from wherever the selection is."""
    rows = facts(driver)
    (target,) = [
        i
        for i, row in enumerate(rows)
        if (row.get_attribute("data-field"), row.get_attribute("data-value")) == (field, value)
    ]
    steps = target - selected(driver)
    press(driver, *(["j"] * steps if steps > 0 else ["k"] * -steps))
    assert selected(driver) == target


def press_and_wait_for_reload(driver: Any, *keys: str) -> None:
    """Press keys that submit a decision, then wait until the browser has loaded a new page.

    The old page is marked with a window property, which no reload can carry over. Chromedriver
    answers a query about the old page during the navigation with any of several errors (a stale
    element, or "Node with given id does not belong to the document"), so errors mean "not yet"."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.wait import WebDriverWait

    driver.execute_script("window.caseminerOldPage = true")
    press(driver, *keys)
    WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,)).until(
        lambda d: d.execute_script(
            "return window.caseminerOldPage === undefined && document.readyState === 'complete'"
        )
    )


def row_text(driver: Any, field: str, value: str) -> str:
    (row,) = [
        r
        for r in facts(driver)
        if (r.get_attribute("data-field"), r.get_attribute("data-value")) == (field, value)
    ]
    return row.text


def test_accept_and_correct_with_the_keyboard_survive_a_reload(
    browser: Any, engine: Engine, proband: PatientRow, sql: Rows
) -> None:
    from selenium.webdriver.common.keys import Keys

    with serving_in_background(create_app(engine, "ana")) as url:
        browser.get(f"{url}/patients/{proband.id}")
        assert selected(browser) == 0  # the first fact is selected on load

        move_to(browser, "phenotype", "HP:0002014")
        press_and_wait_for_reload(browser, "a")
        assert "accepted by ana" in row_text(browser, "phenotype", "HP:0002014")

        move_to(browser, "phenotype", "HP:0000964")
        press(browser, "c")
        field = browser.switch_to.active_element
        assert field.get_attribute("name") == "correction"
        # Keys typed in the field are text, not commands: this "a" accepts nothing.
        press_and_wait_for_reload(browser, "a", Keys.BACKSPACE, "HP:0001047", Keys.ENTER)

        browser.refresh()
        assert "accepted by ana" in row_text(browser, "phenotype", "HP:0002014")
        corrected = row_text(browser, "phenotype", "HP:0000964")
        assert "HP:0001047" in corrected and "corrected by ana" in corrected

    assert sql("SELECT field, value, action, correction, curator FROM curations ORDER BY id") == [
        ("phenotype", "HP:0002014", "accept", None, "ana"),
        ("phenotype", "HP:0000964", "correct", "HP:0001047", "ana"),
    ]
