"""
Fixtures of the Python runtime's tests: the store servers (DynamoDB Local and
s3rver, as jest's global setup starts them) and the workflows compiled by the
pure compiler from test/pyruntime/workflows.ts.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import CREDENTIALS, REPO, Servers, World, node_script  # noqa: E402

os.environ.update(CREDENTIALS)


@pytest.fixture(scope='session')
def servers():
    s = Servers()
    yield s
    s.stop()


@pytest.fixture(scope='session')
def compiled():
    out = subprocess.run(node_script('workflows.ts'), cwd=REPO, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@pytest.fixture
def world(servers, compiled):
    """`world(name, **options)`: a World for a compiled workflow; closed after the test."""
    made = []

    def make(name, **options):
        w = World(servers, compiled[name], **options)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
