# shellcheck shell=sh
# Stop unless the script runs as root (needs `die`, ./messages.sh).
[ "$(id -u)" = 0 ] || die "must run as root (connect as root, or set connection.sudo)"
