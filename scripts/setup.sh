#!/usr/bin/env bash
# One idempotent set-up for `make run` and `make test`: Debian packages, the virtual environment,
# Python dependencies, then model preparation (Whisper conversion, intent training, librosa warm-up).
# Each step is skipped when already done, so a second run takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="libportaudio2 pulseaudio pulseaudio-utils fluidsynth musescore-general-soundfont-lossless fluid-soundfont-gm espeak-ng ffmpeg tmux"
VENV=.venv
PY=$VENV/bin/python

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

install_debian_packages() {
    local missing=""
    for p in $APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; else
            say "these Debian packages are missing:$missing"
            say "run: sudo apt-get install -y$missing"
            exit 1
        fi
    fi
    if ! command -v apt-get >/dev/null; then
        say "no apt-get here; install the equivalents of:$missing"
        exit 1
    fi
    say "installing Debian packages:$missing"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 $missing >/dev/null
}

make_venv() {
    [ -x "$PY" ] && return 0
    local base=${PYTHON:-python3.11}
    command -v "$base" >/dev/null || base=python3
    say "creating $VENV with $base"
    "$base" -m venv "$VENV"
}

install_python_packages() {
    local stamp=$VENV/.maestro-deps
    local want
    want=$(sha256sum pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
    say "installing Python packages (torch CPU build first; openai-whisper without triton; basic-pitch without TensorFlow)"
    $PY -m pip install -q --upgrade pip >/dev/null
    $PY -m pip install -q "torch==2.13.0"
    $PY -m pip install -q --no-deps "$($PY scripts/deps.py --only openai-whisper)"
    # shellcheck disable=SC2046
    $PY -m pip install -q $($PY scripts/deps.py --except openai-whisper --except basic-pitch --extra test)
    $PY -m pip install -q --no-deps "$($PY scripts/deps.py --only basic-pitch)"  # not TensorFlow: ONNX only
    $PY -m pip install -q --no-deps -e .
    echo "$want" > "$stamp"
}

install_debian_packages
make_venv
install_python_packages
say "preparing models"
$PY -m assistant.prepare
