# A thin layer over the go tool.
GO      ?= go
BIN     := bin/sonde
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
export CGO_ENABLED = 0

.PHONY: build test test-short test-kernels bench soak fuzz lint generate update-golden clean

build:
	$(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(BIN) ./cmd/sonde

# The whole suite. Kernel tests need root and skip with a reason without it.
# deploy/ is a module of its own (the Kubernetes manifests' validation).
test: build
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 12m ./...
	cd deploy && $(GO) vet ./... && $(GO) test -count=1 ./...

test-short:
	$(GO) test -short ./...

# kprobe/kretprobe/fentry/fexit tests in stock Debian kernels under QEMU.
test-kernels:
	$(GO) run ./internal/vmtest $(VMTEST_ARGS)

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./lang/... ./compiler/... ./runtime/...

# Load soak (cmd/sonde/soak_test.go): steps the event rate up to find where
# loss begins, then runs SOAK_DURATION at the highest loss-free rate,
# reporting RSS by minute and checking every event is counted or reported.
SOAK_DURATION ?= 10m
soak:
	SOAK_DURATION=$(SOAK_DURATION) $(GO) test -count=1 -run '^TestSoak$$' -v -timeout 0 ./cmd/sonde

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 60s ./lang
	$(GO) test -run '^$$' -fuzz FuzzCompile -fuzztime 60s ./compiler

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "not gofmt'ed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

generate:
	$(GO) generate ./...

update-golden:
	$(GO) test ./... -run Golden -update

clean:
	rm -rf bin
