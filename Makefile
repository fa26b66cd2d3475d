# The two commands that do all set-up on a fresh machine: `make demo` and `make test`.
.PHONY: demo test setup pulumi-cli emulator lint bench clean

demo:        ## the quickstart stack against the built-in emulator (up, outputs, preview: no changes)
	bash scripts/demo.sh

test:        ## set-up, then ruff, mypy and every test tier
	bash scripts/test.sh

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
	rm -rf .pulumi-local
