# Copyright 2026 Qualiopi 31 for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
#
# Shared functions of the setup/ scripts: source it, don't run it.
#
# Settings (environment variables, all optional):
#   PYTHON                 the Python that imports Odoo 18 (default: python3 when it
#                          imports Odoo 18, else the virtual environment that
#                          setup/ builds in var/venv-odoo18, see ensure_odoo)
#   ODOO_SRC               an Odoo 18.0 source tree, or its archive (.tar.gz, .zip),
#                          to build that environment from instead of downloading
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
# PYTHON set by the caller means "use this one"; unset, ensure_odoo chooses.
PYTHON_GIVEN="${PYTHON:-}"
PYTHON="${PYTHON:-python3}"
export QUALIOPI_VAR_DIR="${QUALIOPI_VAR_DIR:-$REPO/var}"
VAR="$QUALIOPI_VAR_DIR"
ODOO_CONF="$VAR/odoo.conf"
ODOO_VENV="$VAR/venv-odoo18"
ODOO_GIT_URL=https://github.com/odoo/odoo
ODOO_NIGHTLY_URL=https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
export DEBIAN_FRONTEND=noninteractive

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

# --- options ------------------------------------------------------------------
# Each script declares its options once, then parses them; --help prints the
# script's header comment (from line 5 to its first line of code) followed by
# what the declarations say:
#
#   db=default keep=                  # defaults first
#   opt --db NAME db "database name"  # an option with a value: db=VALUE
#   opt --keep keep "keep it"         # a flag: keep=1
#   opt_args "PATH..." "what they are" [after-dashdash]
#   parse_opts "$@"                   # the other words land in ARGS
#
# "--name VALUE" and "--name=VALUE" both work; "--" ends the options. A wrong
# option or a missing value stops the script with exit code 2.
_OPT_NAMES=() _OPT_METAS=() _OPT_VARS=() _OPT_HELPS=()
_OPT_ARGS_META= _OPT_ARGS_HELP= _OPT_ARGS_AFTER_DASHDASH=
ARGS=()

opt() { # --NAME [META] VAR HELP
	local name=$1 meta=
	if [ $# -eq 4 ]; then
		meta=$2
		shift
	fi
	_OPT_NAMES+=("$name") _OPT_METAS+=("$meta") _OPT_VARS+=("$2") _OPT_HELPS+=("$3")
}

opt_args() { # META HELP [after-dashdash]
	_OPT_ARGS_META=$1 _OPT_ARGS_HELP=$2 _OPT_ARGS_AFTER_DASHDASH=${3:-}
}

usage_error() {
	printf 'ERROR: %s (see %s --help)\n' "$*" "${0#"$REPO/"}" >&2
	exit 2
}

usage() {
	local i synopsis="${0#"$REPO/"}" label width=6
	for i in "${!_OPT_NAMES[@]}"; do
		label="${_OPT_NAMES[$i]}${_OPT_METAS[$i]:+ ${_OPT_METAS[$i]}}"
		synopsis+=" [$label]"
		[ ${#label} -le $width ] || width=${#label}
	done
	if [ -n "$_OPT_ARGS_META" ]; then
		synopsis+=" [${_OPT_ARGS_AFTER_DASHDASH:+-- }$_OPT_ARGS_META]"
		[ ${#_OPT_ARGS_META} -le $width ] || width=${#_OPT_ARGS_META}
	fi
	printf 'Usage: %s\n\n' "$synopsis"
	sed -n '5,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'
	printf '\nOptions:\n'
	for i in "${!_OPT_NAMES[@]}"; do
		printf '  %-*s  %s\n' "$width" "${_OPT_NAMES[$i]}${_OPT_METAS[$i]:+ ${_OPT_METAS[$i]}}" "${_OPT_HELPS[$i]}"
	done
	printf '  %-*s  %s\n' "$width" "-h, --help" "this help"
	if [ -n "$_OPT_ARGS_META" ]; then
		printf '  %-*s  %s\n' "$width" "$_OPT_ARGS_META" "$_OPT_ARGS_HELP"
	fi
}

parse_opts() {
	local i name value found
	ARGS=()
	while [ $# -gt 0 ]; do
		case "$1" in
		-h | --help)
			usage
			exit 0
			;;
		--)
			shift
			[ -n "$_OPT_ARGS_META" ] || [ $# -eq 0 ] || usage_error "no argument expected after --: $*"
			ARGS+=("$@")
			return 0
			;;
		--*)
			name=${1%%=*} found=
			for i in "${!_OPT_NAMES[@]}"; do
				[ "${_OPT_NAMES[$i]}" = "$name" ] || continue
				found=1
				if [ -z "${_OPT_METAS[$i]}" ]; then
					[ "$name" = "$1" ] || usage_error "$name takes no value"
					printf -v "${_OPT_VARS[$i]}" 1
				elif [ "$name" != "$1" ]; then
					printf -v "${_OPT_VARS[$i]}" '%s' "${1#*=}"
				else
					[ $# -ge 2 ] || usage_error "$name needs ${_OPT_METAS[$i]}"
					printf -v "${_OPT_VARS[$i]}" '%s' "$2"
					shift
				fi
				break
			done
			[ -n "$found" ] || usage_error "unknown option $1"
			;;
		*)
			case "$1" in -*) usage_error "unknown option $1" ;; esac
			[ -n "$_OPT_ARGS_META" ] || usage_error "unexpected argument $1"
			[ -z "$_OPT_ARGS_AFTER_DASHDASH" ] || usage_error "unexpected argument $1 ($_OPT_ARGS_META go after --)"
			ARGS+=("$1")
			;;
		esac
		shift
	done
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

_imports_odoo18() {
	"$1" -c 'import odoo.release as r, sys; sys.exit(tuple(r.version_info[:2]) != (18, 0))' >/dev/null 2>&1
}

check_odoo() {
	command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: install Python 3.10 to 3.12 with Odoo 18.0, or set PYTHON"
	local version
	if ! version=$("$PYTHON" -c 'import odoo.release as r; print("%d.%d" % tuple(r.version_info[:2]))' 2>/dev/null); then
		die "Odoo 18.0 is not importable by $PYTHON: unset PYTHON to let setup/ build an environment with Odoo 18 in $ODOO_VENV, or install Odoo 18 (Community or Enterprise) for this Python, or run with PYTHON=/path/to/a/python/that/imports/odoo"
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

# ensure_odoo: choose the Python that runs Odoo 18, in this order:
#   1. PYTHON when the caller set it (used as it is, checked by check_odoo);
#   2. python3, when it imports Odoo 18 (your own Odoo);
#   3. the virtual environment $ODOO_VENV, built here when missing: Odoo 18.0 from
#      ODOO_SRC (a tree or an archive), else from its official source, with
#      Odoo's own requirements for that Python.
ensure_odoo() {
	if [ -z "$PYTHON_GIVEN" ] && ! _imports_odoo18 python3; then
		if [ -x "$ODOO_VENV/bin/python" ] && _imports_odoo18 "$ODOO_VENV/bin/python" &&
			[ -e "$ODOO_VENV/.qualiopi-ready" ]; then
			say "no python3 imports Odoo 18 here: using $ODOO_VENV"
		else
			_build_odoo_venv
		fi
		PYTHON="$ODOO_VENV/bin/python"
		# Child processes (setup/bench, odoo shell...) use the same one.
		export PYTHON
	fi
	check_odoo
}

# What building psycopg2 needs (Odoo pins psycopg2, which has no Linux wheel):
# a C compiler, the headers of that Python and libpq's (pg_config).
_ensure_build_deps() { # PYTHON
	local want=() include version
	command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || want+=(gcc)
	command -v pg_config >/dev/null 2>&1 || want+=(libpq-dev)
	include=$("$1" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
	if [ ! -f "$include/Python.h" ]; then
		version=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
		want+=("python$version-dev")
	fi
	if [ ${#want[@]} -gt 0 ]; then apt_install "${want[@]}"; fi
	return 0
}

# A Python 3.10 to 3.12 of this machine, the newest first; on Debian, the venv
# module comes apart (python3.X-venv) and is installed when it is the one missing.
_pick_base_python() {
	_find_base_python && return 0
	local candidate version
	for candidate in python3.12 python3.11 python3.10 python3; do
		version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
		case "$version" in 3.10 | 3.11 | 3.12) ;; *) continue ;; esac
		apt_install "python$version-venv" && _find_base_python && return 0
	done
	return 1
}

_find_base_python() {
	local candidate version
	for candidate in python3.12 python3.11 python3.10 python3; do
		command -v "$candidate" >/dev/null 2>&1 || continue
		# pyenv shims exist for versions that are not active: they fail here.
		version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
		case "$version" in
		3.10 | 3.11 | 3.12)
			"$candidate" -c 'import venv, ensurepip' >/dev/null 2>&1 || continue
			command -v "$candidate"
			return 0
			;;
		esac
	done
	return 1
}

# The folder holding the odoo package (odoo/release.py) in $1, or one level below
# (an archive's top folder).
_find_odoo_root() {
	local dir
	for dir in "$1" "$1"/*/; do
		dir=${dir%/}
		if [ -f "$dir/odoo/release.py" ]; then
			echo "$dir"
			return 0
		fi
	done
	return 1
}

_extract_archive() { # ARCHIVE DEST
	local extract
	case "$1" in
	*.zip) extract=("${BASE_PYTHON:-python3}" -m zipfile -e "$1") ;;
	*.tar.gz | *.tgz | *.tar | *.tar.bz2 | *.tar.xz) extract=(tar -xf "$1" -C) ;;
	*) die "ODOO_SRC=$1: not a folder nor a .tar.gz/.tgz/.zip archive" ;;
	esac
	rm -rf "$2.tmp" && mkdir -p "$2.tmp"
	"${extract[@]}" "$2.tmp" || die "could not extract $1"
	rm -rf "$2" && mv "$2.tmp" "$2"
}

# Print the folder of an Odoo 18.0 source tree: ODOO_SRC, or the one downloaded
# into var/ (kept for the next runs).
_odoo_source() {
	local src="${ODOO_SRC:-}" dest="$VAR/odoo-18.0" root
	if [ -n "$src" ]; then
		[ -e "$src" ] || die "ODOO_SRC=$src does not exist"
		if [ -d "$src" ]; then
			root=$(_find_odoo_root "$(cd "$src" && pwd)") || die "ODOO_SRC=$src holds no Odoo source tree (no odoo/release.py)"
		else
			say "extracting $src into $dest"
			_extract_archive "$src" "$dest"
			root=$(_find_odoo_root "$dest") || die "the archive ODOO_SRC=$src holds no Odoo source tree (no odoo/release.py)"
		fi
	elif root=$(_find_odoo_root "$dest"); then
		say "Odoo source already downloaded: $root"
	else
		[ -z "${QUALIOPI_NO_INSTALL:-}" ] || die "no Python imports Odoo 18 and QUALIOPI_NO_INSTALL is set: install Odoo 18, set PYTHON, or ODOO_SRC"
		mkdir -p "$VAR"
		say "downloading Odoo 18.0: git clone --depth 1 --branch 18.0 $ODOO_GIT_URL"
		if command -v git >/dev/null 2>&1 && rm -rf "$dest" &&
			git clone -q --depth 1 --branch 18.0 "$ODOO_GIT_URL" "$dest" >&2; then
			root=$dest
		else
			rm -rf "$dest"
			say "git clone failed: trying the nightly source archive $ODOO_NIGHTLY_URL"
			local archive="$VAR/odoo_18.0.latest.tar.gz"
			if { command -v curl >/dev/null 2>&1 && curl -fsSL --retry 2 -o "$archive" "$ODOO_NIGHTLY_URL"; } ||
				{ command -v wget >/dev/null 2>&1 && wget -q -O "$archive" "$ODOO_NIGHTLY_URL"; }; then
				_extract_archive "$archive" "$dest"
				rm -f "$archive"
				root=$(_find_odoo_root "$dest") || die "$ODOO_NIGHTLY_URL held no Odoo source tree"
			else
				rm -f "$archive"
				die "no Python imports Odoo 18, and Odoo 18.0 could not be downloaded (neither $ODOO_GIT_URL nor $ODOO_NIGHTLY_URL answered): set ODOO_SRC=/path/to/an/odoo-18.0/tree (or its .tar.gz/.zip), or PYTHON=/path/to/a/python/that/imports/odoo"
			fi
		fi
	fi
	grep -Eq '^version_info = \(18, 0,' "$root/odoo/release.py" ||
		die "$root is not Odoo 18.0 ($(grep -E '^version_info' "$root/odoo/release.py"))"
	[ -f "$root/requirements.txt" ] || die "$root has no requirements.txt: not an Odoo source tree"
	echo "$root"
}

_build_odoo_venv() {
	[ -z "${QUALIOPI_NO_INSTALL:-}" ] ||
		die "no python3 imports Odoo 18 and QUALIOPI_NO_INSTALL is set: install Odoo 18 for python3, or set PYTHON=/path/to/a/python/that/imports/odoo"
	local base root py pyver
	BASE_PYTHON=$(_pick_base_python) ||
		die "no python3 imports Odoo 18, and no Python 3.10 to 3.12 with venv was found to build one (tried python3.12, python3.11, python3.10, python3; Debian: apt-get install python3 python3-venv)"
	base=$BASE_PYTHON
	root=$(_odoo_source)
	_ensure_build_deps "$base"
	pyver=$("$base" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
	say "no python3 imports Odoo 18: building $ODOO_VENV with Python $pyver ($base) and Odoo from $root"
	rm -f "$ODOO_VENV/.qualiopi-ready"
	if [ ! -x "$ODOO_VENV/bin/python" ]; then
		"$base" -m venv "$ODOO_VENV" >&2 || die "could not create the virtual environment $ODOO_VENV"
	fi
	py="$ODOO_VENV/bin/python"
	"$py" -m pip install -q --upgrade pip wheel setuptools >&2 || die "pip could not upgrade itself in $ODOO_VENV"
	_install_odoo_requirements "$py" "$root/requirements.txt"
	# Odoo on the path through a .pth, not 'pip install -e': an editable install
	# makes odoo.addons a plain package and hides the addons that OCA wheels put in
	# site-packages/odoo/addons.
	local purelib
	purelib=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
	echo "$root" >"$purelib/odoo-src.pth"
	_imports_odoo18 "$py" || die "$py still does not import Odoo 18 from $root"
	echo "$root" >"$ODOO_VENV/.qualiopi-ready"
	say "Odoo 18.0 ready in $ODOO_VENV"
}

# Odoo's requirements.txt pins each package per Python version (markers). Its
# pins for the Python in use are installed; a pin that fails to install there
# (e.g. cbor2==5.4.2 does not build on Python 3.11 with a current compiler) is
# retried with the pin Odoo gives for Python 3.12, the newest series it tests:
# those versions also install on 3.10/3.11. python-ldap is left out: it builds
# against the OpenLDAP headers and only serves the auth_ldap addon.
_install_odoo_requirements() { # PYTHON REQUIREMENTS
	local py="$1" file="$2" reqs line name alt
	reqs=$("$py" "$SETUP/odoo_env.py" odoo-requirements "$file" --skip python-ldap) ||
		die "could not read $file"
	say "pip install Odoo's requirements ($file) for $("$py" -V)"
	# shellcheck disable=SC2086
	if "$py" -m pip install -q $reqs >&2; then return 0; fi
	warn "some of Odoo's pins failed: installing them one by one, a failing one with its Python 3.12 pin"
	while read -r line; do
		[ -n "$line" ] || continue
		"$py" -m pip install -q "$line" >&2 && continue
		name=${line%%[<>=!~ ;]*}
		alt=$("$py" "$SETUP/odoo_env.py" odoo-requirements "$file" --python-version 3.12 --only "$name")
		[ -n "$alt" ] && [ "$alt" != "$line" ] || die "pip install $line failed in $ODOO_VENV"
		say "retrying $line as $alt"
		# shellcheck disable=SC2086
		"$py" -m pip install -q $alt >&2 || die "pip install $line (and $alt) failed in $ODOO_VENV"
	done <<<"$reqs"
}

# --- PostgreSQL ---------------------------------------------------------------

_default_db_user() {
	local me
	me=$(id -un)
	if [ "$me" = postgres ]; then echo odoo; else echo "$me"; fi
}
export QUALIOPI_DB_USER="${QUALIOPI_DB_USER:-$(_default_db_user)}"
export QUALIOPI_DB_PORT="${QUALIOPI_DB_PORT:-5432}"

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
	[ "$QUALIOPI_DB_USER" != postgres ] || die "Odoo refuses to connect as 'postgres': set QUALIOPI_DB_USER to another role"
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
	# pdftotext reads the printed audit report back in its test (poppler-utils
	# also brings pdftoppm).
	command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || want+=(poppler-utils)
	if [ ${#want[@]} -gt 0 ]; then apt_install "${want[@]}" fonts-dejavu-core; fi
	return 0
}

# --- all of it ----------------------------------------------------------------

# prepare_env [HTTP_PORT]: check Odoo, PostgreSQL and the Python packages, and
# write $ODOO_CONF.
prepare_env() {
	ensure_odoo
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
