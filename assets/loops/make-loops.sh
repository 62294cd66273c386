#!/usr/bin/env bash
# Regenerate the embedded default loops from FFmpeg's synthetic sources (license-clean, small).
# The engine scales them to the output size; they only need to look like a background.
# Usage: assets/loops/make-loops.sh   (needs the ffmpeg CLI; the product itself never runs it)
set -euo pipefail
cd "$(dirname "$0")"
enc=(-c:v libx264 -preset slow -crf 30 -g 60 -pix_fmt yuv420p -movflags +faststart -an -y -v error)
# Warm gradients drifting slowly.
ffmpeg -f lavfi -i "gradients=s=640x360:r=30:c0=0x2b1055:c1=0xd53369:c2=0xff9a44:n=3:speed=0.02:d=8" "${enc[@]}" sunset.mp4
# Cool cellular pattern.
ffmpeg -f lavfi -i "life=s=160x90:r=30:mold=10:ratio=0.1:death_color=#0b1a3a:life_color=#3fa7d6,scale=640:360:flags=neighbor" -t 8 "${enc[@]}" ocean.mp4
ls -la ./*.mp4
