"""pywikibot's UploadRobot uploading files to a local MediaWiki, for commons_requests.py.

pywikibot reads its configuration when it is imported, so it runs in its own process with a
throwaway PYWIKIBOT_DIR: a generated family file for the wiki on 127.0.0.1, a user-config.py
with every throttle at zero, and a bot-password file. Prints the wall time of login and the
uploads (not the import) as JSON. PAGES is a JSON file mapping each file to upload to its
description page.

    python benchmarks/pywikibot_upload.py PORT USER BOTNAME BOTPASSWORD PAGES
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

FAMILY = """\
from pywikibot import family


class Family(family.SingleSiteFamily):
    name = "bench"
    domain = "127.0.0.1:{port}"

    def protocol(self, code):
        return "http"

    def scriptpath(self, code):
        return ""
"""

USER_CONFIG = """\
family = "bench"
mylang = "bench"
usernames["bench"]["bench"] = {user!r}
password_file = {passwords!r}
user_families_paths = [{families!r}]
put_throttle = 0
minthrottle = 0
maxthrottle = 0
max_retries = 0
noisysleep = 1000
"""


def configure(folder: Path, port: int, user: str, bot: str, password: str) -> None:
    families = folder / "families"
    families.mkdir()
    (families / "bench_family.py").write_text(FAMILY.format(port=port))
    passwords = folder / "passwords"
    passwords.write_text(f"({user!r}, BotPassword({bot!r}, {password!r}))\n")
    passwords.chmod(0o600)
    config = folder / "user-config.py"
    config.write_text(USER_CONFIG.format(user=user, passwords=str(passwords),
                                         families=str(families)))
    config.chmod(0o600)
    os.environ["PYWIKIBOT_DIR"] = str(folder)
    os.environ["PYWIKIBOT_NO_USER_CONFIG"] = ""


def upload(pages: dict[str, str]) -> float:
    """Upload each file with its own description page (one UploadRobot per file: a robot
    takes one description for all its files)."""
    import pywikibot
    from pywikibot.specialbots import UploadRobot

    started = time.perf_counter()
    site = pywikibot.Site()
    site.login()
    for file, description in pages.items():
        UploadRobot([file], description=description, keep_filename=True,
                    verify_description=False, ignore_warning=True, target_site=site,
                    summary="benchmark upload", always=True).run()
    return time.perf_counter() - started


def main() -> None:
    port, user, bot, password, pages = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="pywikibot-") as tmp:
        configure(Path(tmp), int(port), user, bot, password)
        print(json.dumps({"seconds": upload(json.loads(Path(pages).read_text()))}))


if __name__ == "__main__":
    main()
