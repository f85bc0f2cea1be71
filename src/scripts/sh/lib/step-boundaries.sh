# shellcheck shell=sh
# TESTS ONLY (rendered with failureInjection): stop at the step boundary HD_STOP_AT, to be killed there.
step() {
  if [ "${HD_STOP_AT:-}" = "$1" ]; then
    : >"${HD_STOP_SIGNAL:-/dev/null}"
    sleep 3600
  fi
  return 0
}
