#!/usr/bin/env bash
# Renders every *.svg under a folder to a PNG next to it (figure.svg -> figure.png).
#
#   scripts/render-figures.sh FOLDER [ZOOM]
#
# Uses rsvg-convert when it is installed (Debian: apt-get install librsvg2-bin), otherwise
# headless Chromium. ZOOM (default 1) scales the output, e.g. 2 for high-DPI previews; it
# applies to rsvg-convert only.
set -euo pipefail

usage() {
    echo "usage: $0 FOLDER [ZOOM]" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 2 ]] || usage
folder=$1
zoom=${2:-1}
[[ -d "$folder" ]] || { echo "error: not a folder: $folder" >&2; exit 2; }

if command -v rsvg-convert >/dev/null 2>&1; then
    renderer=rsvg
else
    chromium_bin=""
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then
            chromium_bin=$candidate
            break
        fi
    done
    [[ -n "$chromium_bin" ]] || { echo "error: neither rsvg-convert nor chromium found (apt-get install librsvg2-bin)" >&2; exit 2; }
    renderer=chromium
fi

# The SVG's own width and height attributes, in pixels, for Chromium's window size.
svg_size() {
    local header
    header=$(head -c 2000 "$1" | tr '\n' ' ')
    local width height
    width=$(sed -n 's/.*<svg[^>]* width="\([0-9.]*\)".*/\1/p' <<<"$header")
    height=$(sed -n 's/.*<svg[^>]* height="\([0-9.]*\)".*/\1/p' <<<"$header")
    printf '%s,%s' "$(printf '%.0f' "${width:-800}")" "$(printf '%.0f' "${height:-600}")"
}

count=0
while IFS= read -r -d '' svg; do
    png="${svg%.svg}.png"
    case $renderer in
        rsvg)
            rsvg-convert --zoom="$zoom" --background-color=white --format=png --output="$png" "$svg"
            ;;
        chromium)
            absolute=$(cd "$(dirname "$svg")" && pwd)/$(basename "$svg")
            "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-background-networking \
                --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
                --screenshot="$png" --window-size="$(svg_size "$svg")" "file://$absolute" >/dev/null 2>&1
            ;;
    esac
    echo "$png"
    count=$((count + 1))
done < <(find "$folder" -type f -name '*.svg' -print0 | sort -z)

[[ $count -gt 0 ]] || echo "warning: no .svg files under $folder" >&2
