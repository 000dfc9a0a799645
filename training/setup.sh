#!/usr/bin/env bash
# Install what training needs (Debian 12 packages; no pip). Idempotent: re-running installs nothing new.
#   sudo bash training/setup.sh      (or as root)
# Then use /usr/bin/python3 (the Debian interpreter that sees these packages).
set -euo pipefail
PKGS=(
  python3-torch python3-torchvision python3-onnx python3-opencv python3-pil python3-numpy libopenblas0-pthread
  fonts-opendin fonts-bebas-neue fonts-b612 fonts-league-spartan fonts-dejavu-core fonts-liberation2
  fonts-urw-base35 fonts-roboto-unhinted
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "training/setup.sh: all ${#PKGS[@]} packages already installed"
fi
/usr/bin/python3 -c "import torch, torchvision, onnx, cv2, PIL, numpy; print('torch', torch.__version__, 'onnx', onnx.__version__, 'cv2', cv2.__version__)"
