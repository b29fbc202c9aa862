#!/bin/sh
# Fails when the executable given ($1, dlmstudio-cli) needs Qt Widgets or QCustomPlot: the headless CLI
# draws its image exports with QtGui alone (ui/figures). Checks the ELF NEEDED entries of the executable
# itself and everything ldd resolves (a static library that pulled in a widget library would show there).
# Qt 5 libraries that LibTorch's own dependencies may bring (Debian's opencv) are not ours and not checked.
set -u
exe=${1:?usage: check_cli_links.sh PATH-TO-dlmstudio-cli}
if [ ! -x "$exe" ]; then
    echo "check_cli_links: $exe is not an executable" >&2
    exit 1
fi
pattern='libQt6Widgets|libQt6PrintSupport|QCustomPlot|libQt6OpenGLWidgets|libQt6SvgWidgets'
status=0
if command -v readelf >/dev/null 2>&1; then
    needed=$(readelf -d "$exe" | grep NEEDED) || { echo "check_cli_links: readelf found no NEEDED entries" >&2; exit 1; }
    bad=$(printf '%s\n' "$needed" | grep -E "$pattern")
    if [ -n "$bad" ]; then
        echo "check_cli_links: $exe needs widget libraries directly:" >&2
        printf '%s\n' "$bad" >&2
        status=1
    fi
fi
libs=$(ldd "$exe") || { echo "check_cli_links: ldd failed on $exe" >&2; exit 1; }
if ! printf '%s\n' "$libs" | grep -q 'libQt6Gui'; then
    echo "check_cli_links: ldd does not list libQt6Gui; is this the right executable?" >&2
    status=1
fi
bad=$(printf '%s\n' "$libs" | grep -E "$pattern")
if [ -n "$bad" ]; then
    echo "check_cli_links: $exe loads widget libraries:" >&2
    printf '%s\n' "$bad" >&2
    status=1
fi
[ $status -eq 0 ] && echo "check_cli_links: $exe links no Qt Widgets, PrintSupport or QCustomPlot"
exit $status
