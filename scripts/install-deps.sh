#!/usr/bin/env bash
# Installs the Debian 12 packages quantgrid needs to build, test and benchmark.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail

packages=(
  cmake g++ make pkgconf git
  libopenmpi-dev openmpi-bin libboost-mpi-dev libboost-serialization-dev
  libhdf5-dev hdf5-tools libeigen3-dev libtbb-dev libopenblas-dev
  libspdlog-dev libyaml-cpp-dev libcli11-dev libsodium-dev librandom123-dev
  cppzmq-dev libzmq3-dev nlohmann-json3-dev
  libgtest-dev libbenchmark-dev
  clang-format clang-tidy
  python3 python3-numpy python3-pandas python3-h5py python3-matplotlib python3-scipy python3-sklearn
)

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
