#!/usr/bin/env bash
# Installs the Debian 12 packages quantgrid needs to build, test and benchmark.
# Idempotent: does nothing when every package is already installed.
#
# On a system without apt-get and dpkg it installs nothing: it names the system's package manager
# (dnf, pacman or Homebrew), prints the package list in that system's names, and exits 1.
# Only the Debian list is tested; the others are best-effort translations.
set -euo pipefail

packages=(
  cmake g++ make pkgconf git
  libopenmpi-dev openmpi-bin libboost-mpi-dev libboost-serialization-dev
  libhdf5-dev hdf5-tools libdeflate-dev libeigen3-dev libtbb-dev libopenblas-dev
  libspdlog-dev libyaml-cpp-dev libcli11-dev libsodium-dev librandom123-dev libjemalloc-dev
  cppzmq-dev libzmq3-dev nlohmann-json3-dev
  libgtest-dev libbenchmark-dev
  clang-format clang-tidy
  python3 python3-numpy python3-pandas python3-h5py python3-matplotlib python3-scipy python3-sklearn python3-cryptography
  iproute2 util-linux  # ip netns and unshare: tests/multihost (root only)
)

# Fedora / RHEL (dnf). On RHEL and its rebuilds most of these come from EPEL and CRB.
dnf_packages=(
  cmake gcc-c++ make pkgconf git
  openmpi-devel boost-openmpi-devel boost-devel
  hdf5-devel hdf5 libdeflate-devel eigen3-devel tbb-devel openblas-devel
  spdlog-devel yaml-cpp-devel cli11-devel libsodium-devel Random123-devel jemalloc-devel
  cppzmq-devel zeromq-devel json-devel
  gtest-devel google-benchmark-devel
  clang-tools-extra
  python3 python3-numpy python3-pandas python3-h5py python3-matplotlib python3-scipy python3-scikit-learn python3-cryptography
  iproute util-linux
)
# Arch Linux (pacman). Random123 is not in the official repositories (AUR: random123).
pacman_packages=(
  cmake gcc make pkgconf git
  openmpi boost hdf5 libdeflate eigen onetbb openblas
  spdlog yaml-cpp cli11 libsodium jemalloc
  cppzmq zeromq nlohmann-json
  gtest benchmark
  clang
  python python-numpy python-pandas python-h5py python-matplotlib python-scipy python-scikit-learn python-cryptography
  iproute2 util-linux
)
# macOS (Homebrew). Random123 has no formula (header-only: copy its include/ from the upstream
# release); pandas, h5py, matplotlib, scipy, scikit-learn and cryptography come from pip.
brew_packages=(
  cmake pkgconf git
  open-mpi boost-mpi boost hdf5 libdeflate eigen tbb openblas
  spdlog yaml-cpp cli11 libsodium
  cppzmq zeromq nlohmann-json
  googletest google-benchmark
  llvm
  python numpy
)

# no_apt MANAGER COMMAND NAMES...: explains that this script installs only on Debian and prints the
# command that would install NAMES with MANAGER; exits 1.
no_apt() {
  local manager=$1 command=$2
  shift 2
  echo "install-deps.sh: apt-get/dpkg not found: this script installs packages only on Debian 12 (and Ubuntu)." >&2
  if [ -n "$manager" ]; then
    echo "install-deps.sh: found $manager; the same packages there are (best-effort names, not tested):" >&2
    echo "  $command $*"
  else
    echo "install-deps.sh: no known package manager found (apt-get, dnf, pacman, brew); install the" >&2
    echo "install-deps.sh: equivalents of these Debian packages by hand:" >&2
    echo "  ${packages[*]}"
  fi
  exit 1
}

if ! command -v apt-get > /dev/null || ! command -v dpkg-query > /dev/null; then
  if command -v dnf > /dev/null; then
    no_apt dnf "sudo dnf install" "${dnf_packages[@]}"
  elif command -v pacman > /dev/null; then
    no_apt pacman "sudo pacman -S --needed" "${pacman_packages[@]}"
  elif command -v brew > /dev/null; then
    no_apt "Homebrew" "brew install" "${brew_packages[@]}"
  else
    no_apt "" ""
  fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=600 update
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
