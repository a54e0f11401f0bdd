# tarn — the README's commands. CMake does the building; this file names the steps.
#   make        build build/tarn (release, -Werror)
#   make test   install what is needed, build release + ASan/UBSan + TSan + fuzz builds, run
#               every test (unit, interop with third-party clients, threads under TSan,
#               bounded fuzzing) and print ctest's summaries
#   make demo   the newcomer's first run
#   make bench  the benchmarks in bench/ (peers installed from bench's lockfile)
#   make format / format-check   clang-format
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
SOURCES = $(shell find src include tests bench -name '*.[ch]' -not -path '*/node_modules/*')

.PHONY: all setup build build-asan build-tsan build-fuzz node-deps test test-unit demo bench format format-check clean

all: build

setup:
	@scripts/setup

build: setup
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

build-asan: setup
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTARN_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)

build-tsan: setup
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DTARN_TSAN=ON >/dev/null
	@cmake --build build-tsan -j $(JOBS)

build-fuzz: setup
	@CC=clang cmake -S . -B build-fuzz -DTARN_FUZZ=ON -DTARN_WERROR=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS)

node-deps: setup
	@cd tests/interop && npm ci --no-audit --no-fund --loglevel=error >/dev/null

test: build build-asan build-tsan build-fuzz node-deps
	@echo "== release build: unit + interop tests"
	@cd build && ctest --output-on-failure -j $(JOBS)
	@echo "== ASan+UBSan build: unit tests"
	@cd build-asan && ctest --output-on-failure -j $(JOBS)
	@echo "== TSan build: multi-threaded tests"
	@cd build-tsan && ctest --output-on-failure -L tsan
	@echo "== fuzz build: bounded libFuzzer runs"
	@cd build-fuzz && ctest --output-on-failure -j $(JOBS)

test-unit: build
	@cd build && ctest --output-on-failure -L unit -j $(JOBS)

demo: build
	@echo "tarn demo: not yet — the demo arrives with the demo issue (see README)."
	@echo "What works today: build/tarn --version, build/tarn help, and the Parquet engine (make test, make bench)."

bench: build
	@cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@node bench/parquet/run.mjs
	@node bench/load/run.mjs

format:
	@clang-format -i $(SOURCES)

format-check:
	@clang-format --dry-run --Werror $(SOURCES)

clean:
	rm -rf build build-asan build-tsan build-fuzz
