# shellcheck shell=sh
# The local engine (src/scripts/engine-shell.ts): `engine` runs the docker CLI against this host's
# socket ($socket) whatever DOCKER_* the SSH session carries, each call bounded by
# $hd_engine_call_timeout seconds; `engine_answers` asks once; `wait_engine_up` waits up to
# $timeout_s seconds, polling every $hd_engine_poll seconds, and leaves the last error in $engine_out.
: "${socket?}" "${timeout_s?}" "${hd_engine_call_timeout?}" "${hd_engine_poll?}"
engine() {
  timeout "$hd_engine_call_timeout" env -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH \
    DOCKER_HOST="unix://$socket" docker "$@"
}
engine_answers() { engine info --format '{{.ServerVersion}}' >/dev/null 2>&1; }
engine_out=
wait_engine_up() {
  deadline=$(($(date +%s) + timeout_s))
  while :; do
    # shellcheck disable=SC2034 # engine_out is read by the script that called this
    if engine_out=$(engine info --format '{{.ServerVersion}}' 2>&1); then return 0; fi
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep "$hd_engine_poll"
  done
}
