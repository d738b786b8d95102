#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with real files for the fuzzer to start from
# (see README.md, "Fuzzing"): the CSV and vCard fixtures, the default keymap
# and theme, the README's config, and a JSON export and a snapshot of a
# small workspace made with the debug binary.
set -euo pipefail
cd "$(dirname "$0")/.."
c=fuzz/corpus
mkdir -p $c/{snapshot,snapshot_load,config,keymap,theme,csv,vcard,json,import_store}
cp tests/fixtures/csv/*.csv $c/csv/
cp tests/fixtures/corpus/vcard/*.vcf $c/vcard/
cp assets/keymap.toml $c/keymap/
cp assets/theme.toml $c/theme/
sed -n '/^# ~\/.config\/guanxi\/config.toml/,/^loyalty = 60/p' README.md > $c/config/readme.toml

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo build -q
g() { env -u GUANXI_WORKSPACE HOME="$tmp/home" GUANXI_USER=fuzz target/debug/guanxi --workspace "$tmp/ws" "$@"; }
g import tests/fixtures/csv/google_new.csv >/dev/null
id=$(g add --name "Nguyễn Thị Lan" --company "Công ty A" --email lan@a.vn --phone "+84 90 123 4567")
g log "$id" --summary "gọi điện" --amount 1500000 --satisfaction 4 >/dev/null
g follow-up "$id" --due 2030-01-01 --what "gửi báo giá" >/dev/null
g stage "$id" develop >/dev/null
g edit "$id" --set trust=4 --set situation="đang dùng X" >/dev/null
g export --format json -o $c/json/export.json >/dev/null
g snapshot >/dev/null
cp "$tmp"/ws/snapshots/*.snapshot $c/snapshot/
cp "$tmp"/ws/snapshots/*.snapshot $c/snapshot_load/
cp $c/csv/* $c/vcard/* $c/json/* $c/import_store/
echo "seeded $(find $c -type f | wc -l) files in $c"
