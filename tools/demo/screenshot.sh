#!/usr/bin/env bash
# Remakes tools/demo/demo.png, the README's picture of demo.html: runs
# tools/demo.sh (full size), renders the top of demo.html (headline numbers
# and the differences from the funnel) in headless chromium, and shrinks the
# PNG to a 256-colour palette when python3-pil is there (setup.sh --plots).
#   tools/demo/screenshot.sh [DEMO_DIR]     (JOURNEYSIM as for demo.sh)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$(mktemp -d)}
mkdir -p "$out" && out=$(cd "$out" && pwd)
png=$root/tools/demo/demo.png
width=1200 height=2700   # the page down to the end of the step-by-step charts

bash "$root/tools/demo.sh" -o "$out" >"$out/demo.txt" 2>&1
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size="$width,$height" --screenshot="$out/demo-full.png" "file://$out/demo.html" 2>/dev/null
if /usr/bin/python3 -c "import PIL" 2>/dev/null; then
  /usr/bin/python3 - "$out/demo-full.png" "$png" <<'EOF'
import sys
from PIL import Image
image = Image.open(sys.argv[1]).convert("RGB")
image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(sys.argv[2], optimize=True)
EOF
else
  cp "$out/demo-full.png" "$png"
fi
echo "Wrote $png ($(stat -c %s "$png") bytes) from $out/demo.html; demo.sh's output is in $out/demo.txt"
