"""Set-up's model preparation, run again on a prepared machine: every step says what it did, quickly."""
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_prepare_reports_each_step():
    done = subprocess.run([sys.executable, "-m", "assistant.prepare"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    for fragment in ("✓ Whisper tiny.en and base ready", "✓ intent model", "✓ librosa warmed up"):
        assert fragment in done.stderr
