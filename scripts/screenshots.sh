#!/usr/bin/env bash
# The README's pictures of the desktop app: one `capsim-gui --screenshot` per kind of file (a study, a training,
# serving, fleet and design-search scenario), written to docs/screenshots/. Run after a build (scripts/setup.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gui="${CAPSIM_BUILD_DIR:-$here/build}/gui/capsim-gui"
out="$here/docs/screenshots"
mkdir -p "$out"
export QT_QPA_PLATFORM=offscreen CAPSIM_GUI_AUTOSAVE_DIR="$(mktemp -d)"
shoot() {  # shoot NAME FILE
  "$gui" --screenshot "$out/$1.png" "$here/$2"
  echo "wrote docs/screenshots/$1.png ($2)"
}
shoot study-tco scenarios/studies/chat-growth.json
shoot training scenarios/examples/default.json
shoot serving scenarios/examples/chat-llama3-70b-h100.json
shoot fleet scenarios/examples/fleet-lab.json
shoot search scenarios/search/llama3-405b-gpu-choice.json
