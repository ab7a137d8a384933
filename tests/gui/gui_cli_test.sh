#!/usr/bin/env bash
# capsim-gui's command line: --help without a display, --screenshot of a study and a scenario, and the messages and
# exit codes of what cannot work (DESIGN.md: 1 bad input or output, 2 bad command line). Usage: gui_cli_test.sh GUI SRC
set -u
gui="$1"
src="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Recent files and autosaves of these runs stay in the scratch folder.
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" CAPSIM_GUI_AUTOSAVE_DIR="$tmp/autosave"
failures=0

# expect CODE PATTERN -- COMMAND...: runs COMMAND without a display, checks its exit code and that its output matches.
expect() {
  local code="$1" pattern="$2"
  shift 3
  local out rc
  out="$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$@" 2>&1)"
  rc=$?
  if [[ $rc -ne $code ]] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: $* -> exit $rc (want $code), output:"
    echo "$out" | head -20
    failures=$((failures + 1))
  else
    echo "ok: $* -> $rc"
  fi
}

expect 0 "--screenshot <path>" -- "$gui" --help
expect 2 "Unknown option" -- "$gui" --no-such-option
expect 1 "no display" -- "$gui" "$src/scenarios/studies/70b-pretrain.json"
expect 1 "does not exist" -- "$gui" --screenshot "$tmp/missing/folder/shot.png" "$src/scenarios/studies/70b-pretrain.json"
expect 1 "is a folder" -- "$gui" --screenshot "$tmp" "$src/scenarios/studies/70b-pretrain.json"
expect 1 "no such file" -- "$gui" --screenshot "$tmp/shot.png" "$tmp/no-such-study.json"
expect 1 "directory" -- "$gui" --screenshot "$tmp/shot.png" "$tmp"
[[ -e "$tmp/shot.png" ]] && { echo "FAIL: a screenshot was written for a file that cannot be opened"; failures=$((failures + 1)); }
printf '{"schema": "capsim/study/v1", "name": "bad", "horizon_months": -3}' >"$tmp/bad.json"
expect 1 "bad.json has problems" -- "$gui" --screenshot "$tmp/bad.png" "$tmp/bad.json"
expect 0 "" -- "$gui" --screenshot "$tmp/study.png" "$src/scenarios/studies/70b-pretrain.json"
expect 0 "" -- "$gui" --screenshot "$tmp/training.png" "$src/scenarios/examples/default.json"
for png in study training bad; do
  if [[ "$(head -c 4 "$tmp/$png.png" 2>/dev/null | od -An -c | tr -d ' ')" != "211PNG" ]]; then
    echo "FAIL: $png.png is not a PNG"
    failures=$((failures + 1))
  fi
done
echo "$failures failure(s)"
exit $((failures > 0))
