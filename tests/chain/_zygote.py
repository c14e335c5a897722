"""A botocore "zygote": imports botocore once, then forks one child per scenario.

Started by ``oracle.py`` with an empty environment and an empty HOME.  Each
request line (JSON: env, cwd, profile, region) is answered by a fresh forked
child that replaces its whole environment, changes to the scenario's HOME and
runs ``_runner.run_botocore``; the parent relays the child's JSON outcome as
one line.  Forking skips the ~0.25 s interpreter and botocore import per
scenario; state botocore computes at import time (for example its SSO cache
directory from HOME) is the zygote's, so scenarios that depend on it must use
``oracle.run_botocore(..., fresh_interpreter=True)``.
"""

from __future__ import annotations

import json
import os
import signal
import sys

import _runner
import botocore.credentials
import botocore.session  # noqa: F401 - imported once, before forking

CHILD_TIMEOUT = 60


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: one scenario, then exit
            os.close(read_fd)
            signal.alarm(CHILD_TIMEOUT)
            try:
                os.environ.clear()
                os.environ.update(request["env"])
                os.chdir(request["cwd"])
                outcome = _runner.run_botocore(request["profile"], request["region"])
                data = json.dumps(outcome)
            except BaseException as e:  # reported, never raised in the zygote
                data = json.dumps({"crash": repr(e)})
            with os.fdopen(write_fd, "w") as f:
                f.write(data)
            os._exit(0)
        os.close(write_fd)
        with os.fdopen(read_fd) as f:
            data = f.read()
        os.waitpid(pid, 0)
        sys.stdout.write((data or json.dumps({"crash": "child died"})) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
