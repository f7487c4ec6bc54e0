"""Screenshot the review page of one patient with headless chromium (the README's docs/review.png).

    python scripts/screenshot_review.py [--db sqlite:///caseminer.db] [--article PMID:99100001]
        [--patient proband] [--curator ana] [--out docs/review.png]

Serves the page from this process (caseminer.review on a free local port) and drives Debian's
`chromium` through `chromedriver` (selenium). `chromium_driver` is also the browser of
tests/review/test_browser.py.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from selenium import webdriver
from sqlalchemy import select

from caseminer.config import get_settings
from caseminer.curation import find_article_by_reference
from caseminer.db import init_db, session_scope
from caseminer.db.models import PatientRow
from caseminer.review import create_app
from caseminer.review.server import serving_in_background

WINDOW = (1400, 1000)


def chromium_driver(window: tuple[int, int] = WINDOW) -> webdriver.Chrome:
    """Headless Debian chromium driven by its chromedriver (both from apt: chromium, chromium-driver)."""
    binary, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if binary is None or driver is None:
        raise RuntimeError("chromium and chromedriver are needed: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    # --no-sandbox: containers (and CI) run chromium as root, where its sandbox cannot start.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={window[0]},{window[1]}"):  # fmt: skip
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="the registry (default: CASEMINER_DATABASE_URL)")
    parser.add_argument("--article", default="PMID:99100001", help="the article (PMID:n, PMCn, DOI:...)")
    parser.add_argument("--patient", default="proband", help="the patient's label in the article")
    parser.add_argument("--curator", default="ana", help="the name the page shows as reviewing")
    parser.add_argument("--out", type=Path, default=Path("docs/review.png"))
    args = parser.parse_args(argv)
    engine = init_db(args.db or get_settings().database_url)
    with session_scope(engine) as session:
        article = find_article_by_reference(session, args.article)
        patient_id = (
            article
            and session.scalars(
                select(PatientRow.id).where(
                    PatientRow.article_id == article.id, PatientRow.label == args.patient
                )
            ).first()
        )
    if not patient_id:
        print(f"no patient {args.patient!r} of {args.article} in the registry", file=sys.stderr)
        return 2
    driver = chromium_driver()
    try:
        with serving_in_background(create_app(engine, args.curator)) as url:
            driver.get(f"{url}/patients/{patient_id}")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(args.out))
    finally:
        driver.quit()
        engine.dispose()
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
