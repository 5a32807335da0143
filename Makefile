# quantgrid: the two commands of the README, and a few more.
#   make demo    install what is missing, build, run the sample sweep on all local cores
#   make test    install what is missing, build, run every test
#   make bench   build and run the benchmarks (figures in docs/performance.md)
BUILD     ?= build
JOBS      ?= $(shell nproc)
CMAKE_ARGS ?=

export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1
export OMPI_MCA_rmaps_base_oversubscribe := 1
# OpenBLAS mis-detects some virtualised AVX-512 CPUs and falls back to slow kernels.
ifneq ($(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo yes),)
export OPENBLAS_CORETYPE ?= SkylakeX
endif

QG := $(BUILD)/quantgrid

.PHONY: all deps configure build demo test bench clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j$(JOBS)

data/market.h5: | build
	$(QG) data generate --symbols 10 --bars 2520 --seed 1 --out $@

demo: build data/market.h5
	$(QG) run jobs/examples/sma_sweep.yaml --overwrite
	$(QG) results top results/sma_sweep.h5 -n 10

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

bench: build
	scripts/run-bench.sh $(BUILD)

clean:
	rm -rf $(BUILD)
