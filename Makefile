# The two commands that do all set-up on a fresh machine: `make demo` and `make test`.
# The inner loop while editing: `make unit` (the socket-free unit tier, a few seconds).
.PHONY: demo test unit matrix dist setup pulumi-cli emulator lint bench clean

demo:        ## the quickstart stack against the built-in emulator (up, outputs, preview: no changes)
	bash scripts/demo.sh

test:        ## set-up, then ruff, mypy, every test tier, then the matrix (oldest SDK, Python 3.10-3.13)
	bash scripts/test.sh

unit:        ## the unit tier only (tests/unit: no sockets, no emulator, no CLI), in a few seconds
	bash scripts/bootstrap.sh >/dev/null && .venv/bin/python -m pytest -p no:cacheprovider -q -m unit tests/unit

matrix:      ## only the matrix runs (scripts/matrix.sh); `make matrix JOBS=py3.13` for one
	bash scripts/matrix.sh $(JOBS)

dist:        ## the sdist and the wheel in dist/ (python -m build)
	bash scripts/bootstrap.sh >/dev/null && rm -rf dist && .venv/bin/python -m build --outdir dist . >/dev/null && ls -l dist

setup:       ## just the venv and the pulumi CLI
	bash scripts/bootstrap.sh >/dev/null

pulumi-cli:  ## obtain the pulumi CLI (build from the Go module proxy when needed)
	bash scripts/pulumi-cli.sh

emulator:    ## run the emulator in the foreground on port 8787
	bash scripts/bootstrap.sh >/dev/null && .venv/bin/python -m flashduty_pulumi.emulator --port 8787

lint:
	.venv/bin/ruff check . && .venv/bin/mypy

bench:       ## preview/up/refresh at 50, 200 and 500 rules; prints a table
	bash scripts/bootstrap.sh >/dev/null && .venv/bin/python benchmarks/bench.py

clean:
	rm -rf .pulumi-local dist build
