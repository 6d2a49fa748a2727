#!/usr/bin/env bash
# Create .venv with Baton and its test tools on a fresh Debian machine (root or not).
# Usage: scripts/bootstrap.sh [--browser]   (--browser also installs Debian's Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=no
[ "${1:-}" = "--browser" ] && want_browser=yes

as_root() { [ "$(id -u)" = 0 ]; }
apt_updated=no
apt_install() {
  if ! as_root; then
    echo "需要 Debian 软件包：$*（请以 root 运行，或请管理员安装）" >&2
    return 1
  fi
  if [ "$apt_updated" = no ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=yes
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)'; then
    python=$(command -v "$candidate"); break
  fi
done
if [ -z "$python" ]; then
  echo "需要 Python 3.11（或 3.12、3.13）。" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' 2>/dev/null; then
  rm -rf .venv
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install "python${version}-venv" || apt_install python3-venv
    "$python" -m venv .venv
  fi
fi

stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
  touch "$stamp"
fi

# The monthly report pack draws its charts with a Chinese font (fonts-noto-cjk).
if ! fc-list :lang=zh 2>/dev/null | grep -q . && [ ! -d /usr/share/fonts/opentype/noto ]; then
  if as_root; then
    apt_install fonts-noto-cjk || echo "未安装中文字体：月报统计图将无法生成。" >&2
  else
    echo "提示：未找到中文字体，月报统计图需要它；请管理员运行 apt-get install fonts-noto-cjk。" >&2
  fi
fi

if [ "$want_browser" = yes ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium fonts-noto-cjk ||
    echo "未安装 Chromium：浏览器测试将跳过。" >&2
fi
# The Word pack names the 公文 faces; here they render in Debian's stand-ins
# (scripts/fonts/gongwen.conf): Noto Serif/Sans CJK SC, AR PL UKai for 楷体, Liberation
# Serif for Times New Roman. The printable project card embeds AR PL UMing.
if [ "$want_browser" = yes ] && as_root; then
  fonts=()
  [ -f /usr/share/fonts/truetype/arphic/ukai.ttc ] || fonts+=(fonts-arphic-ukai)
  [ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || fonts+=(fonts-arphic-uming)
  fc-list | grep -q "Liberation Serif" || fonts+=(fonts-liberation2)
  if [ "${#fonts[@]}" -gt 0 ]; then
    apt_install "${fonts[@]}" || echo "未安装 ${fonts[*]}：月报渲染测试将用其他字体。" >&2
  fi
fi
# The report-pack tests open the Word file in LibreOffice and render its pages to PNG, and
# recalculate the Excel pack's sums in LibreOffice Calc (about 25 s to install).
if [ "$want_browser" = yes ] && { [ ! -x /usr/bin/soffice ] || [ ! -x /usr/bin/pdftoppm ] ||
  ! dpkg -s libreoffice-calc-nogui >/dev/null 2>&1; }; then
  apt_install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils ||
    echo "未安装 LibreOffice：月报转 PDF 的测试将跳过。" >&2
fi
exit 0
