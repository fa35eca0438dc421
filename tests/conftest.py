"""Shared test fixtures. Fixture modules register themselves in ``pytest_plugins``."""

import pytest

from tests.example_plugin import ensure_example_plugin

pytest_plugins: list[str] = ["tests.mediawiki", "tests.httpserver", "tests.council",
                             "tests.browser", "tests.websubhub"]


def pytest_configure(config: pytest.Config) -> None:
    ensure_example_plugin()  # before collection: tests import it at module level
