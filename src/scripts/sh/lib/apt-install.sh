# shellcheck shell=sh
# `apt_install PACKAGE`: apt-get install, non-interactive and quiet; when that fails (package
# lists missing or out of date), once more after `apt-get update`.
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >/dev/null 2>&1 ||
    {
      DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >/dev/null
    }
}
