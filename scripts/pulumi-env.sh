# Sourced by the demo and test scripts: a hermetic pulumi (local file backend, no cloud login,
# no update checks, no plugin downloads). STATE_DIR must be set by the caller.
export PULUMI_HOME="$STATE_DIR/home"
export PULUMI_BACKEND_URL="file://$STATE_DIR/backend"
export PULUMI_SKIP_UPDATE_CHECK=1
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=1
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
export PULUMI_PYTHON_CMD="$PWD/.venv/bin/python"
mkdir -p "$PULUMI_HOME" "$STATE_DIR/backend"
