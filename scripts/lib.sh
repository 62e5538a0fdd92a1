# Shared by scripts/run and scripts/test. Finds a Python >= 3.12 (Django 6 needs it), keeps the
# project's virtual environment in .venv up to date with pyproject.toml.

find_python() {
    local candidate
    for candidate in "${WORKSTYLE_PYTHON:-}" python3.12 python3.13 python3 \
        "$HOME"/.pyenv/versions/3.12*/bin/python /root/.pyenv/versions/3.12*/bin/python \
        "$HOME"/.pyenv/versions/3.13*/bin/python /root/.pyenv/versions/3.13*/bin/python \
        /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
        if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            command -v "$candidate" 2>/dev/null || echo "$candidate"
            return 0
        fi
    done
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        # Debian 13 and newer carry Python 3.12+ as python3.
        apt-get install -y -qq python3 python3-venv >/dev/null 2>&1 || true
        if python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            command -v python3
            return 0
        fi
    fi
    echo "Python 3.12 or newer is required (Django 6); set WORKSTYLE_PYTHON to its path." >&2
    return 1
}

# ensure_venv EXTRA: create .venv and install the project (with the extra, e.g. "test") when
# pyproject.toml changed since the last install.
ensure_venv() {
    local extra="$1" python stamp spec
    if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
        python=$(find_python)
        rm -rf .venv
        "$python" -m venv .venv
        .venv/bin/python -m pip install -q --upgrade pip
    fi
    stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-${extra:-base}"
    if [ ! -f "$stamp" ]; then
        spec="."
        [ -n "$extra" ] && spec=".[$extra]"
        .venv/bin/python -m pip install -q -e "$spec"
        touch "$stamp"
    fi
    export PATH="$PWD/.venv/bin:$PATH"
}

# ensure_pdf_deps: what the integrity dossier's PDF (WeasyPrint) needs from the system: Pango and
# HarfBuzz to lay out the text, and a CJK font from Debian's packages for the Chinese. Installed with
# apt-get when missing (as root); otherwise says what to install.
ensure_pdf_deps() {
    local missing=()
    ldconfig -p 2>/dev/null | grep 'libpango-1.0.so.0' >/dev/null || missing+=(libpango-1.0-0)
    ldconfig -p 2>/dev/null | grep 'libpangoft2-1.0.so.0' >/dev/null || missing+=(libpangoft2-1.0-0)
    ldconfig -p 2>/dev/null | grep 'libharfbuzz-subset.so.0' >/dev/null || missing+=(libharfbuzz-subset0)
    if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -i 'Noto.*CJK' >/dev/null; }; then
        missing+=(fontconfig fonts-noto-cjk)
    fi
    [ "${#missing[@]}" -eq 0 ] && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installing what the dossier's PDF needs: ${missing[*]}…"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "The dossier's PDF needs Debian's ${missing[*]}: install them (apt-get install)." >&2
    fi
}

# ensure_js: the browser libraries the pages serve from the portal itself (package.json: ECharts at
# a pinned version, from the npm registry), installed into node_modules by `npm ci` when missing or
# when package-lock.json changed since the last install. Needs Node.js and npm (Debian's nodejs and
# npm packages, installed with apt-get when missing and run as root).
ensure_js() {
    local stamp
    stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
    [ -f "$stamp" ] && return 0
    if ! command -v npm >/dev/null 2>&1; then
        if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
            echo "Installing Node.js and npm for the pages' charts…"
            apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
        else
            echo "The statistics page's charts need npm (Debian's nodejs and npm packages): install them." >&2
            return 1
        fi
    fi
    npm ci --omit=dev --no-audit --no-fund --loglevel=error
    touch "$stamp"
}

# ensure_captcha_audio: Debian's flite, the speech synthesiser that reads the public form's captcha
# aloud (django-simple-captcha, CAPTCHA_FLITE_PATH). Installed with apt-get when missing (as root);
# otherwise says what to install. Without it the captcha has no recording.
ensure_captcha_audio() {
    command -v flite >/dev/null 2>&1 && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "Installing the captcha's speech synthesiser: flite…"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq flite >/dev/null
    else
        echo "The captcha's recording needs Debian's flite: install it (apt-get install flite)." >&2
    fi
}
