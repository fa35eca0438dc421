"""Shared test fixtures. Fixture modules register themselves in ``pytest_plugins``."""

pytest_plugins: list[str] = ["tests.mediawiki", "tests.httpserver", "tests.council",
                             "tests.browser", "tests.websubhub"]
