# Sourced by bootstrap.sh and matrix.sh: the two ends of the pulumi SDK range the tests run against.
# OLDEST is pyproject.toml's lower bound (the first SDK whose dynamic providers can return refreshed
# inputs from read); NEWEST is the newest release on the public index when last checked. The full
# suite runs in .venv at NEWEST; scripts/matrix.sh runs the provider tier and the core end-to-end
# files at OLDEST, together with the oldest httpx and pydantic that pyproject.toml allows.
SDK_OLDEST=3.216.0
SDK_NEWEST=3.272.0
HTTPX_OLDEST=0.27.0
PYDANTIC_OLDEST=2.8.0
