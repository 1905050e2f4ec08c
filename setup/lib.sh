# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
#
# Shared functions of the setup/ scripts: source it, don't run it.
#
# Settings (environment variables, all optional):
#   PYTHON                 the Python that imports Odoo 18 (default: python3)
#   QUALIOPI_DB_HOST       PostgreSQL host (default: 127.0.0.1, then the Unix socket)
#   QUALIOPI_DB_PORT       PostgreSQL port (default: 5432)
#   QUALIOPI_DB_USER       PostgreSQL role for Odoo (default: the current user;
#                          "odoo" when that is "postgres", which Odoo refuses)
#   QUALIOPI_DB_PASSWORD   its password, if the server asks for one
#   QUALIOPI_ADDONS_PATH   extra addons folders, comma-separated
#   QUALIOPI_VAR_DIR       where the config, filestore and reports go (default: var/)
#   QUALIOPI_HTTP_PORT     Odoo's HTTP port for the tests' server (default: 8069), so
#                          that two checkouts can run their tests side by side
#   QUALIOPI_NO_INSTALL=1  never install anything (apt, pip): only check

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SETUP="$REPO/setup"
PYTHON="${PYTHON:-python3}"
export QUALIOPI_VAR_DIR="${QUALIOPI_VAR_DIR:-$REPO/var}"
VAR="$QUALIOPI_VAR_DIR"
ODOO_CONF="$VAR/odoo.conf"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
export DEBIAN_FRONTEND=noninteractive

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

helper() { "$PYTHON" "$SETUP/odoo_env.py" "$@"; }

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run: $*"
	fi
}

_APT_UPDATED=
apt_install() {
	[ -z "${QUALIOPI_NO_INSTALL:-}" ] || die "missing: $* (QUALIOPI_NO_INSTALL is set, install them yourself)"
	command -v apt-get >/dev/null 2>&1 || die "missing: $*, and no apt-get here to install them: install them yourself"
	if [ -z "$_APT_UPDATED" ]; then
		say "apt-get update"
		as_root apt-get update -qq >&2 || die "apt-get update failed"
		_APT_UPDATED=1
	fi
	say "apt-get install $*"
	as_root apt-get install -y -qq --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

pip_install() {
	[ -z "${QUALIOPI_NO_INSTALL:-}" ] || die "missing Python packages: $* (QUALIOPI_NO_INSTALL is set)"
	say "pip install $*"
	"$PYTHON" -m pip install -q "$@" >&2 ||
		die "pip install $* failed with $PYTHON (an 'externally-managed-environment' error means: use a virtualenv that has Odoo 18, and PYTHON=/path/to/its/python)"
}

# --- Odoo ---------------------------------------------------------------------

check_odoo() {
	command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: install Python 3.10 to 3.12 with Odoo 18.0, or set PYTHON"
	local version
	if ! version=$("$PYTHON" -c 'import odoo.release as r; print("%d.%d" % tuple(r.version_info[:2]))' 2>/dev/null); then
		die "Odoo 18.0 is not importable by $PYTHON: install Odoo 18 (Community or Enterprise) for this Python, e.g. from a checkout of the 18.0 branch: 'pip install -r requirements.txt && pip install -e .', or the Odoo 18 Debian package, or run with PYTHON=/path/to/a/python/that/imports/odoo"
	fi
	[ "$version" = "18.0" ] || die "$PYTHON imports Odoo $version, not 18.0: these addons are for Odoo 18.0 (set PYTHON to a Python with Odoo 18)"
	local err
	if ! err=$("$PYTHON" -c 'import odoo, odoo.tools, odoo.modules, psycopg2' 2>&1); then
		die "Odoo 18.0 is there but does not load; its own Python dependencies are missing? (pip install -r requirements.txt in the Odoo tree): ${err##*$'\n'}"
	fi
	local pyver
	pyver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	case "$pyver" in
	3.10 | 3.11 | 3.12) ;;
	*) warn "Python $pyver: Odoo 18 supports Python 3.10 to 3.12" ;;
	esac
	say "Odoo $version on Python $pyver ($("$PYTHON" -c 'import odoo, os; print(os.path.dirname(odoo.__file__))'))"
}

# --- PostgreSQL ---------------------------------------------------------------

_default_db_user() {
	local me
	me=$(id -un)
	if [ "$me" = postgres ]; then echo odoo; else echo "$me"; fi
}
export QUALIOPI_DB_USER="${QUALIOPI_DB_USER:-$(_default_db_user)}"
export QUALIOPI_DB_PORT="${QUALIOPI_DB_PORT:-5432}"
[ "$QUALIOPI_DB_USER" != postgres ] || die "Odoo refuses to connect as 'postgres': set QUALIOPI_DB_USER to another role"

_local_db_host() {
	case "${QUALIOPI_DB_HOST:-}" in
	"" | 127.0.0.1 | localhost | ::1 | /*) return 0 ;;
	*) return 1 ;;
	esac
}

_start_local_postgres() {
	# Debian's clusters (pg_lsclusters): start those on our port that are down.
	if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
		apt_install postgresql
	fi
	command -v pg_ctlcluster >/dev/null 2>&1 || die "pg_ctlcluster not found after installing postgresql"
	local version cluster port status rest found=
	while read -r version cluster port status rest; do
		[ "$port" = "$QUALIOPI_DB_PORT" ] || continue
		found=1
		case "$status" in
		online*) ;;
		*)
			say "starting PostgreSQL cluster $version/$cluster on port $port"
			as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >&2 ||
				warn "could not start PostgreSQL cluster $version/$cluster"
			;;
		esac
	done < <(pg_lsclusters -h)
	[ -n "$found" ] || die "no PostgreSQL cluster on port $QUALIOPI_DB_PORT here (pg_lsclusters): set QUALIOPI_DB_PORT, or create one with pg_createcluster"
}

_ensure_db_role() {
	# Create the role through the 'postgres' superuser over the Unix socket.
	local runas
	if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1; then
		runas=(runuser -u postgres --)
	elif command -v sudo >/dev/null 2>&1; then
		runas=(sudo -n -u postgres)
	else
		return 0
	fi
	local i
	for i in $(seq 1 30); do
		"${runas[@]}" psql -p "$QUALIOPI_DB_PORT" -Atqc "SELECT 1" postgres >/dev/null 2>&1 && break
		sleep 1
	done
	if ! "${runas[@]}" psql -p "$QUALIOPI_DB_PORT" -Atqc \
		"SELECT 1 FROM pg_roles WHERE rolname = '$QUALIOPI_DB_USER'" postgres 2>/dev/null | grep -q 1; then
		say "creating the PostgreSQL role $QUALIOPI_DB_USER (superuser, for Odoo and its tests)"
		"${runas[@]}" createuser -p "$QUALIOPI_DB_PORT" --superuser "$QUALIOPI_DB_USER" >&2 ||
			warn "could not create the role $QUALIOPI_DB_USER"
	fi
}

ensure_postgres() {
	local host
	if ! host=$(helper pg-probe 2>/dev/null); then
		_local_db_host || die "PostgreSQL at $QUALIOPI_DB_HOST:$QUALIOPI_DB_PORT does not let $QUALIOPI_DB_USER in: $(helper pg-probe 2>&1 | tail -1)"
		say "PostgreSQL does not answer for role $QUALIOPI_DB_USER: installing/starting it"
		_start_local_postgres
		_ensure_db_role
		local i
		for i in $(seq 1 30); do
			host=$(helper pg-probe 2>/dev/null) && break
			sleep 1
		done
		host=$(helper pg-probe 2>/dev/null) ||
			die "PostgreSQL still does not let role $QUALIOPI_DB_USER in: $(helper pg-probe 2>&1 | tr '\n' ' ')(set QUALIOPI_DB_HOST/PORT/USER/PASSWORD)"
	fi
	export QUALIOPI_DB_HOST_FOUND="$host"
	say "PostgreSQL answers on ${host:-the Unix socket}:$QUALIOPI_DB_PORT as $QUALIOPI_DB_USER"
}

# --- Python packages ----------------------------------------------------------

ensure_python_deps() {
	local missing
	missing=$(helper missing-requirements "$SETUP/requirements.txt" "$@")
	if [ -n "$missing" ]; then
		# shellcheck disable=SC2086
		pip_install $missing
	fi
	local line module
	while read -r line; do
		line=${line%%#*}
		[ -n "${line// /}" ] || continue
		module=${line#odoo-addon-}
		module=${module%%[<>=!~ ]*}
		helper has-module "$module" && continue
		say "OCA $module is missing: installing its 18.0 wheel"
		pip_install --no-deps "$line"
		helper has-module "$module" || die "$module still not found on the addons path after installing its wheel"
	done <"$SETUP/requirements-oca.txt"
}

ensure_browsers() {
	local want=()
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 ||
		command -v google-chrome >/dev/null 2>&1 || want+=(chromium)
	command -v wkhtmltopdf >/dev/null 2>&1 || want+=(wkhtmltopdf)
	if [ ${#want[@]} -gt 0 ]; then apt_install "${want[@]}" fonts-dejavu-core; fi
	return 0
}

# --- all of it ----------------------------------------------------------------

# prepare_env [HTTP_PORT]: check Odoo, PostgreSQL and the Python packages, and
# write $ODOO_CONF.
prepare_env() {
	check_odoo
	ensure_postgres
	ensure_python_deps
	mkdir -p "$VAR"
	helper write-config "$ODOO_CONF" --db-host "$QUALIOPI_DB_HOST_FOUND" --http-port "${1:-${QUALIOPI_HTTP_PORT:-8069}}"
	say "Odoo config: $ODOO_CONF (addons path: $(helper addons-path))"
}

odoo_bin() { "$PYTHON" -m odoo "$@"; }

# install_db NAME ADDONS [odoo options]: a fresh database with ADDONS and demo data
# (unless the options say --without-demo=...).
install_db() {
	local db="$1" addons="$2"
	shift 2
	helper drop-db "$db"
	local demo=" and demo data"
	case " $* " in *" --without-demo="*) demo=" without demo data" ;; esac
	say "creating database $db with $addons$demo"
	odoo_bin -c "$ODOO_CONF" -d "$db" -i "$addons" --stop-after-init --no-http \
		--log-level="${QUALIOPI_INSTALL_LOG_LEVEL:-warn}" "$@" ||
		die "installing $addons in $db failed (see the log above)"
	helper check-installed "$db" "$addons" || die "installing $addons in $db failed"
}
